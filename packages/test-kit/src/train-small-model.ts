import { stratifiedSplit, type TrainedModel, train } from '@shelfwise/classifier';
import { labelledProducts } from './labelled-products';

/** A small model trained on generated product rows (few hash buckets keep model.onnx small). */
export function trainSmallModel(epochs: number): Promise<TrainedModel> {
  const rows = labelledProducts(600, 2);
  const split = stratifiedSplit(rows, 0.2, 42);
  return train(split.train, {
    epochs,
    seed: 42,
    validation: split.validation,
    featurizer: { buckets: 2 ** 12 },
  });
}
