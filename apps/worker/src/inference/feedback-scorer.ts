import { evaluate, type ModelManifest, trainedOn, type VerifiedRow } from '@shelfwise/classifier';
import type { ShadowLease } from '../model/shadow-models';

export interface Score {
  weightedF1: number | null;
  minF1: number | null;
  perClassF1: Record<string, number>;
  /** Rows the score is over (those the model did not train on). */
  scoredRows: number;
}

/** A shadow version as its scores name it. */
export interface ShadowVersion {
  version: number;
  modelVersionId: number;
}

export interface FeedbackScores {
  /** The serving model; `seenRows` null when its manifest does not record its training set. */
  serving: Score & { seenRows: number | null };
  shadows: (Score & ShadowVersion & { seenRows: number })[];
  /** Shadows whose predictions failed: left out (a shadow never fails the job it watches). */
  failed: (ShadowVersion & { error: string })[];
}

/** One model's tally as plain data: (true label, predicted label, rows) triples, rows it trained on, error. */
export interface TallyData {
  seen: number;
  /** The model's manifest does not record its training set: every row is scored and `seen` is unknown. */
  unknown: boolean;
  error: string | null;
  pairs: [string, string, number][];
}

/**
 * A scorer's tallies as plain data (stored with a chunk of a job split across workers): the tallies of the
 * chunks combine into the scores one scorer over the whole file gives.
 */
export interface ScorerData {
  serving: TallyData;
  shadows: (ShadowVersion & { tally: TallyData })[];
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
    return combineScores(this.servingManifest.labels, [this.data()]);
  }

  data(): ScorerData {
    const label = (i: number) => this.labels[i] ?? '';
    return {
      serving: this.serving.data(label),
      shadows: this.shadows.map(({ lease, tally }) => ({
        version: lease.version,
        modelVersionId: lease.modelVersionId,
        tally: tally.data(label),
      })),
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

/**
 * The scores over the rows of every tally in `parts` (`labels`: the serving model's, in its order). A shadow
 * some part did not score (it appeared while the job ran) is left out as failed: it saw only some rows.
 */
export function combineScores(labels: readonly string[], parts: readonly ScorerData[]): FeedbackScores {
  const serving = Tally.combine(parts.map((part) => part.serving));
  const shadows: FeedbackScores['shadows'] = [];
  const failed: FeedbackScores['failed'] = [];
  for (const { version, modelVersionId } of parts[0]?.shadows ?? []) {
    const tallies = parts.map((part) => part.shadows.find((shadow) => shadow.version === version)?.tally);
    const missing = tallies.some((tally) => tally === undefined);
    const tally = Tally.combine(tallies.filter((t): t is TallyData => t !== undefined));
    if (missing || tally.error !== null) {
      failed.push({ version, modelVersionId, error: tally.error ?? 'not scored on every chunk of the job' });
    } else shadows.push({ version, modelVersionId, ...tally.score(labels), seenRows: tally.seen });
  }
  return {
    serving: { ...serving.score(labels), seenRows: serving.unknown ? null : serving.seen },
    shadows,
    failed,
  };
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

  data(label: (i: number) => string): TallyData {
    const counts = new Map<string, [string, string, number]>();
    for (let i = 0; i < this.truth.length; i++) {
      const pair = [label(this.truth[i] as number), label(this.predicted[i] as number)] as const;
      const key = JSON.stringify(pair);
      const entry = counts.get(key) ?? [pair[0], pair[1], 0];
      entry[2]++;
      counts.set(key, entry);
    }
    const error = this.error === undefined ? null : String(this.error);
    return { seen: this.seen, unknown: this.unknown, error, pairs: [...counts.values()] };
  }

  /** The pairs of every tally, as label strings (scored with the labels table given to `score`). */
  static combine(tallies: readonly TallyData[]): Scored {
    const scored = new Scored(tallies.some((t) => t.unknown));
    for (const tally of tallies) {
      scored.seen += tally.seen;
      scored.error ??= tally.error;
      for (const [truth, predicted, rows] of tally.pairs) {
        for (let n = 0; n < rows; n++) scored.add(truth, predicted);
      }
    }
    return scored;
  }
}

/** Label pairs to score: what a tally's data combine into. */
class Scored {
  seen = 0;
  error: string | null = null;
  private readonly truth: string[] = [];
  private readonly predicted: string[] = [];

  constructor(readonly unknown: boolean) {}

  add(truth: string, predicted: string): void {
    this.truth.push(truth);
    this.predicted.push(predicted);
  }

  score(manifestLabels: readonly string[]): Score {
    if (this.truth.length === 0) return { weightedF1: null, minF1: null, perClassF1: {}, scoredRows: 0 };
    // The labels table as the scorer builds it: the model's labels, then any other met, in order.
    const labels = new Set(manifestLabels);
    for (const label of this.truth) labels.add(label);
    for (const label of this.predicted) labels.add(label);
    const scored = evaluate(this.truth, this.predicted, [...labels]);
    return {
      weightedF1: scored.f1,
      minF1: scored.minF1,
      perClassF1: Object.fromEntries(scored.perClass.map((c) => [c.label, c.f1])),
      scoredRows: this.truth.length,
    };
  }
}
