import { describeRowProblem, type RowProblem } from './csv-schema';

const SHOWN = 20;

/** Collects invalid rows of a file so the failure names them all (the first 20 and a count). */
export class RowProblems {
  readonly shown: RowProblem[] = [];
  count = 0;
  /** Some row has a label the model does not know (the job fails UNKNOWN_LABEL rather than INVALID_CSV). */
  unknownLabels = false;

  add(problem: RowProblem): void {
    this.count++;
    if (problem.kind === 'unknown-label') this.unknownLabels = true;
    if (this.shown.length < SHOWN) this.shown.push(problem);
  }

  summary(): string {
    const more = this.count > this.shown.length ? ` (and ${this.count - this.shown.length} more)` : '';
    const shown = this.shown.map(describeRowProblem).join('; ');
    return `${this.count} invalid row${this.count === 1 ? '' : 's'}: ${shown}${more}`;
  }
}
