import type { JobResult } from '@shelfwise/contracts';

export type OnlinePrediction = JobResult<'online'>;

/** One request in a batch: its own texts, and how to answer it. */
interface Member {
  texts: string[];
  answer(prediction: OnlinePrediction): void;
  fail(error: Error): void;
}

/**
 * Requests gathered for one `online` job: the texts of all of them in one payload, the answer
 * split back in the same order. Requests whose waits all ran out leave the job to nobody (`abandoned`).
 */
export class OnlineBatch {
  readonly members: Member[] = [];
  size = 0;
  /** Its job once sent: the id, and the add to the queue (settled either way, never rejecting). */
  sent: { jobId: string; added: Promise<void> } | undefined;
  private waiting = 0;

  /** `cancelTimer`: stops the timer that would send it (it is being sent now). */
  constructor(readonly cancelTimer: () => void) {}

  /** Adds a request; the promise settles with its share of the batch's answer or the batch's failure. */
  join(texts: string[]): Promise<OnlinePrediction> {
    this.size += texts.length;
    this.waiting++;
    return new Promise((answer, fail) => this.members.push({ texts, answer, fail }));
  }

  texts(): string[] {
    return this.members.flatMap((member) => member.texts);
  }

  /** A member stopped waiting (its own deadline passed): true when it was the last one. */
  leave(): boolean {
    this.waiting--;
    return this.waiting === 0;
  }

  /** Each member gets the predictions of its own texts, in order. */
  answer({ modelVersion, predictions }: OnlinePrediction): void {
    let offset = 0;
    for (const member of this.members) {
      const end = offset + member.texts.length;
      member.answer({ modelVersion, predictions: predictions.slice(offset, end) });
      offset = end;
    }
  }

  /** A cause all members share (the queue unreachable, no model, the worker failed the job). */
  fail(error: Error): void {
    for (const member of this.members) member.fail(error);
  }
}
