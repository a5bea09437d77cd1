export interface ClassMetrics {
  readonly label: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Number of true examples of this class. */
  readonly support: number;
}

export interface ClassificationMetrics {
  readonly count: number;
  /** Mean cross-entropy of the true labels; null when no probabilities were given. */
  readonly loss: number | null;
  readonly accuracy: number;
  /** Precision, recall and F1 averaged with each class weighted by its support (scikit-learn's "weighted"). */
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly macroF1: number;
  /** Lowest per-class F1 among the classes that occur in the true or the predicted labels. */
  readonly minF1: number;
  readonly perClass: readonly ClassMetrics[];
  /** `confusionMatrix[t][p]`: examples of true class `labels[t]` predicted as `labels[p]`. */
  readonly confusionMatrix: readonly (readonly number[])[];
  readonly labels: readonly string[];
}

/**
 * Classification metrics as scikit-learn computes them, with 0 where a ratio is undefined (e.g. the
 * precision of a class that is never predicted). `probabilities[i]` follows the order of `labels`.
 */
export function evaluate(
  trueLabels: readonly string[],
  predictedLabels: readonly string[],
  labels: readonly string[],
  probabilities?: readonly ArrayLike<number>[],
): ClassificationMetrics {
  if (trueLabels.length !== predictedLabels.length) {
    throw new RangeError(`${trueLabels.length} true labels but ${predictedLabels.length} predictions`);
  }
  if (probabilities && probabilities.length !== trueLabels.length) {
    throw new RangeError(`${trueLabels.length} true labels but ${probabilities.length} probability rows`);
  }
  const indexOf = new Map(labels.map((label, i) => [label, i]));
  const classIndex = (label: string): number => {
    const index = indexOf.get(label);
    if (index === undefined)
      throw new RangeError(`label ${JSON.stringify(label)} is not one of the model's labels`);
    return index;
  };
  const matrix = labels.map(() => labels.map(() => 0));
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < trueLabels.length; i++) {
    const t = classIndex(trueLabels[i] as string);
    const p = classIndex(predictedLabels[i] as string);
    (matrix[t] as number[])[p] = ((matrix[t] as number[])[p] as number) + 1;
    if (t === p) correct++;
    if (probabilities)
      loss -= Math.log(Math.max((probabilities[i] as ArrayLike<number>)[t] as number, 1e-12));
  }
  const count = trueLabels.length;
  const perClass = labels.map((label, c): ClassMetrics & { predicted: number } => {
    const truePositives = (matrix[c] as number[])[c] as number;
    const support = (matrix[c] as number[]).reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((sum, row) => sum + (row[c] as number), 0);
    const precision = predicted > 0 ? truePositives / predicted : 0;
    const recall = support > 0 ? truePositives / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support, predicted };
  });
  const weighted = (key: 'precision' | 'recall' | 'f1'): number =>
    count > 0 ? perClass.reduce((sum, m) => sum + m[key] * m.support, 0) / count : 0;
  const present = perClass.filter((m) => m.support > 0 || m.predicted > 0);
  return {
    count,
    loss: probabilities && count > 0 ? loss / count : null,
    accuracy: count > 0 ? correct / count : 0,
    precision: weighted('precision'),
    recall: weighted('recall'),
    f1: weighted('f1'),
    macroF1: present.length > 0 ? present.reduce((sum, m) => sum + m.f1, 0) / present.length : 0,
    minF1: present.length > 0 ? Math.min(...present.map((m) => m.f1)) : 0,
    perClass: perClass.map(({ label, precision, recall, f1, support }) => ({
      label,
      precision,
      recall,
      f1,
      support,
    })),
    confusionMatrix: matrix,
    labels: [...labels],
  };
}
