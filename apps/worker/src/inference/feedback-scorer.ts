import { evaluate, type ModelManifest, trainedOn, type VerifiedRow } from '@shelfwise/classifier';
import type { ShadowLease } from '../model/shadow-models';

export interface Score {
  weightedF1: number | null;
  minF1: number | null;
  perClassF1: Record<string, number>;
  /** Rows the score is over (those the model did not train on). */
  scoredRows: number;
}

export interface FeedbackScores {
  /** The serving model; `seenRows` null when its manifest does not record its training set. */
  serving: Score & { seenRows: number | null };
  shadows: (Score & { lease: ShadowLease; seenRows: number })[];
  /** Shadows whose predictions failed: left out (a shadow never fails the job it watches). */
  failed: { lease: ShadowLease; error: unknown }[];
}

/**
 * Tallies a predict job's verified rows, per model, leaving out the rows that model trained on (`trainedOn`
 * its manifest's fingerprint): the serving model (whose predictions the job made anyway) and each shadow
 * version (which predicts only its unseen rows). Labels are kept as indices into one table of the labels
 * met, so no string sliced from a parsed CSV chunk is held past its batch.
 */
export class FeedbackScorer {
  private readonly labels: string[] = [];
  private readonly labelIndex = new Map<string, number>();
  private readonly serving: Tally;
  private readonly shadows: { lease: ShadowLease; tally: Tally }[];

  constructor(
    private readonly servingManifest: ModelManifest,
    shadows: readonly ShadowLease[],
  ) {
    for (const label of servingManifest.labels) this.index(label);
    // A format-1 manifest does not say what it trained on: every row is scored, as before, and seen is unknown.
    this.serving = new Tally(servingManifest.trainingSet === null);
    this.shadows = shadows.map((lease) => ({ lease, tally: new Tally(false) }));
  }

  async add(rows: readonly VerifiedRow[]): Promise<void> {
    if (rows.length === 0) return;
    for (const row of rows) {
      if (trainedOn(this.servingManifest, row.text) === true) this.serving.seen++;
      else this.serving.add(this.index(row.label), this.index(row.predicted));
    }
    for (const { lease, tally } of this.shadows) {
      if (tally.error !== undefined) continue;
      // A shadow whose manifest does not say counts every row seen: it is never scored on rows it may know.
      const unseen = rows.filter((row) => trainedOn(lease.predictor.manifest, row.text) === false);
      tally.seen += rows.length - unseen.length;
      if (unseen.length === 0) continue;
      const predictions = await lease.predictor
        .predict(unseen.map((row) => row.text))
        .catch((error: unknown) => {
          tally.error = error;
          return null;
        });
      if (!predictions) continue;
      unseen.forEach((row, i) => {
        tally.add(this.index(row.label), this.index(predictions[i]?.label ?? ''));
      });
    }
  }

  scores(): FeedbackScores {
    return {
      serving: {
        ...this.serving.score(this.labels),
        seenRows: this.serving.unknown ? null : this.serving.seen,
      },
      shadows: this.shadows
        .filter(({ tally }) => tally.error === undefined)
        .map(({ lease, tally }) => ({ lease, ...tally.score(this.labels), seenRows: tally.seen })),
      failed: this.shadows.flatMap(({ lease, tally }) =>
        tally.error === undefined ? [] : [{ lease, error: tally.error }],
      ),
    };
  }

  private index(label: string): number {
    let i = this.labelIndex.get(label);
    if (i === undefined) {
      i = this.labels.length;
      // A copy, not a slice of the chunk the label was parsed from.
      this.labels.push(` ${label}`.slice(1));
      this.labelIndex.set(this.labels[i] as string, i);
    }
    return i;
  }
}

class Tally {
  seen = 0;
  error: unknown;
  private readonly truth: number[] = [];
  private readonly predicted: number[] = [];

  constructor(readonly unknown: boolean) {}

  add(truth: number, predicted: number): void {
    this.truth.push(truth);
    this.predicted.push(predicted);
  }

  score(labels: readonly string[]): Score {
    if (this.truth.length === 0) return { weightedF1: null, minF1: null, perClassF1: {}, scoredRows: 0 };
    const name = (i: number) => labels[i] ?? '';
    const scored = evaluate(this.truth.map(name), this.predicted.map(name), labels);
    return {
      weightedF1: scored.f1,
      minF1: scored.minF1,
      perClassF1: Object.fromEntries(scored.perClass.map((c) => [c.label, c.f1])),
      scoredRows: this.truth.length,
    };
  }
}
