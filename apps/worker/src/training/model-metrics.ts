import type { TrainedModel } from '@shelfwise/classifier';

/** The metrics stored on a model version (and sent to MLflow), in the original service's names. */
export function modelMetrics(model: TrainedModel) {
  const m = model.metrics;
  return {
    eval_f1: m.f1,
    eval_f1_min: m.minF1,
    eval_macro_f1: m.macroF1,
    eval_accuracy: m.accuracy,
    eval_precision: m.precision,
    eval_recall: m.recall,
    eval_loss: m.loss,
    per_class_f1: Object.fromEntries(m.perClass.map((c) => [c.label, c.f1])),
    confusion_matrix: { labels: m.labels, matrix: m.confusionMatrix },
    best_epoch: model.bestEpoch,
    training_examples: model.trainingExamples,
    validation_examples: model.validationExamples,
    history: model.history.map((epoch) => ({
      epoch: epoch.epoch,
      train_loss: epoch.trainLoss,
      eval_loss: epoch.metrics.loss,
      eval_f1: epoch.metrics.f1,
      eval_f1_min: epoch.metrics.minF1,
      eval_accuracy: epoch.metrics.accuracy,
      eval_precision: epoch.metrics.precision,
      eval_recall: epoch.metrics.recall,
      per_class_f1: Object.fromEntries(epoch.metrics.perClass.map((c) => [c.label, c.f1])),
    })),
  };
}

export type ModelMetrics = ReturnType<typeof modelMetrics>;
