const SHOWN = 20;

/** Collects invalid rows of a file so the failure names them all (the first 20 and a count). */
export class RowProblems {
  private readonly shown: string[] = [];
  count = 0;

  add(row: number, problem: string): void {
    this.count++;
    if (this.shown.length < SHOWN) this.shown.push(`row ${row}: ${problem}`);
  }

  summary(): string {
    const more = this.count > this.shown.length ? ` (and ${this.count - this.shown.length} more)` : '';
    return `${this.count} invalid row${this.count === 1 ? '' : 's'}: ${this.shown.join('; ')}${more}`;
  }
}
