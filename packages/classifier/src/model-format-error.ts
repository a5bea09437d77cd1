/** A manifest or ONNX file that is not a model this code wrote (wrong format version, missing field, wrong pair). */
export class ModelFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFormatError';
  }
}
