// Helpers that build or publish a real model: they load @shelfwise/classifier and so onnxruntime-node,
// which the light entry (`@shelfwise/test-kit`) must not, so that gateway tests stay without it.
export { publishServingModel } from './publish-serving-model';
export { trainSmallModel } from './train-small-model';
