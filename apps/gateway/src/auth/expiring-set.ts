/**
 * A set whose entries expire after `ttlMs`, kept in the process and bounded: when full, the oldest entry
 * goes, so a flood of distinct values cannot grow memory.
 */
export class ExpiringSet {
  // A Map keeps insertion order: the first entry is the oldest.
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  has(value: string): boolean {
    const until = this.expiries.get(value);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.expiries.delete(value);
    return false;
  }

  add(value: string): void {
    this.expiries.delete(value);
    this.expiries.set(value, Date.now() + this.ttlMs);
    if (this.expiries.size > this.maxEntries) {
      const oldest = this.expiries.keys().next().value;
      if (oldest !== undefined) this.expiries.delete(oldest);
    }
  }
}
