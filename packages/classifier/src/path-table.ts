import type { TimeSlicer } from './time-slicer';
import type { LabelledText } from './train-options';

/**
 * One learned category path: descriptions that start with `path` (lower-case words, as "spices seasonings
 * All-Seasons Salt" starts with an aisle) were `counts[c]` times of class c in the training data.
 */
export interface PathEntry {
  readonly path: string;
  /** The most frequent class. */
  readonly label: string;
  readonly support: number;
  /** Per class, in the order of the model's labels. */
  readonly counts: readonly number[];
}

export interface PathTableOptions {
  /** Fewest training descriptions a path needs to enter the table. */
  readonly minSupport: number;
  /** Smallest share of its most frequent class a path needs to enter the table. */
  readonly minPurity: number;
}

export interface PathMatch {
  /** 1-based row of the matched entry; 0 when the text starts with no path of the table. */
  row: number;
  /** Where the rest of the text (the product name) begins. */
  end: number;
}

/**
 * The leading words of `text` that may form a path: runs of a–z only (ASCII lower case), each ended by
 * whitespace or the end of the text, at most `maxWords`. Fills `starts[k]` and `ends[k]` with word k's
 * bounds; returns how many words there are.
 */
function scanWords(text: string, maxWords: number, starts: Int32Array, ends: Int32Array): number {
  let i = 0;
  let words = 0;
  while (words < maxWords) {
    while (i < text.length && text.charCodeAt(i) <= 32) i++;
    const start = i;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c < 97 || c > 122) break;
      i++;
    }
    if (i === start || (i < text.length && text.charCodeAt(i) > 32)) break;
    starts[words] = start;
    ends[words] = i;
    words++;
  }
  return words;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SPACE = 0x20;

/** FNV-1a of a path as written in the table: its words joined by one space. */
function pathHash(path: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), FNV_PRIME);
  return h;
}

/**
 * Looks descriptions up in a learned table of category paths; the longest matching path wins. Matching
 * allocates nothing: one pass finds the leading words and hashes them, an open-addressing table of the
 * paths' hashes (typed arrays: a Map would box the many hashes outside the small-integer range) names
 * the candidates, and a candidate's characters are compared with the text.
 */
export class PathTable {
  /** Slot → path hash, and → 1-based row (0: empty slot); linear probing, at most half full. */
  readonly #keys: Int32Array;
  readonly #slots: Int32Array;
  readonly #slotShift: number;
  readonly #starts: Int32Array;
  readonly #ends: Int32Array;
  readonly #hashes: Int32Array;

  constructor(
    readonly entries: readonly Pick<PathEntry, 'path'>[],
    readonly maxWords: number,
  ) {
    const bits = Math.max(4, Math.ceil(Math.log2(entries.length * 2 + 1)));
    this.#keys = new Int32Array(2 ** bits);
    this.#slots = new Int32Array(2 ** bits);
    this.#slotShift = 32 - bits;
    entries.forEach((entry, i) => {
      const h = pathHash(entry.path);
      let slot = this.#slotOf(h);
      while ((this.#slots[slot] as number) !== 0) slot = (slot + 1) & (this.#slots.length - 1);
      this.#keys[slot] = h;
      this.#slots[slot] = i + 1;
    });
    this.#starts = new Int32Array(maxWords);
    this.#ends = new Int32Array(maxWords);
    this.#hashes = new Int32Array(maxWords);
  }

  match(text: string, into: PathMatch = { row: 0, end: 0 }): PathMatch {
    into.row = 0;
    into.end = 0;
    if (this.entries.length === 0) return into;
    const ends = this.#ends;
    const words = this.#scan(text);
    const keys = this.#keys;
    const slots = this.#slots;
    const mask = slots.length - 1;
    for (let k = words - 1; k >= 0; k--) {
      const h = this.#hashes[k] as number;
      for (let slot = this.#slotOf(h); (slots[slot] as number) !== 0; slot = (slot + 1) & mask) {
        const row = slots[slot] as number;
        if (keys[slot] === h && this.#spells((this.entries[row - 1] as PathEntry).path, text, k + 1)) {
          into.row = row;
          into.end = ends[k] as number;
          return into;
        }
      }
    }
    return into;
  }

  /**
   * The leading words of `text` as scanWords finds them, in one pass that also fills `#hashes[k]` with the
   * FNV-1a of words 0..k joined by one space (pathHash of that path). Returns how many words there are.
   */
  #scan(text: string): number {
    const starts = this.#starts;
    const ends = this.#ends;
    const hashes = this.#hashes;
    const length = text.length;
    let i = 0;
    let words = 0;
    let h = FNV_OFFSET;
    while (words < this.maxWords) {
      while (i < length && text.charCodeAt(i) <= 32) i++;
      const start = i;
      let w = words > 0 ? Math.imul(h ^ SPACE, FNV_PRIME) : h;
      let c = 0;
      while (i < length) {
        c = text.charCodeAt(i);
        if (c < 97 || c > 122) break;
        w = Math.imul(w ^ c, FNV_PRIME);
        i++;
      }
      if (i === start || (i < length && c > 32)) break;
      starts[words] = start;
      ends[words] = i;
      hashes[words] = w;
      h = w;
      words++;
    }
    return words;
  }

  #slotOf(hash: number): number {
    return Math.imul(hash, 0x9e3779b1) >>> this.#slotShift;
  }

  /** Whether the first `words` scanned words of `text`, joined by one space, are `path`. */
  #spells(path: string, text: string, words: number): boolean {
    let p = 0;
    for (let k = 0; k < words; k++) {
      if (k > 0 && path.charCodeAt(p++) !== SPACE) return false;
      for (let i = this.#starts[k] as number; i < (this.#ends[k] as number); i++) {
        if (path.charCodeAt(p++) !== text.charCodeAt(i)) return false;
      }
    }
    return p === path.length;
  }
}

/**
 * Counts every description's longest leading path (up to `maxWords` words) and keeps the paths seen at
 * least `minSupport` times whose most frequent class has at least `minPurity` of them, sorted by path.
 */
export async function learnPathTable(
  examples: readonly LabelledText[],
  labels: readonly string[],
  maxWords: number,
  options: PathTableOptions,
  slicer: TimeSlicer,
): Promise<PathEntry[]> {
  const classOf = new Map(labels.map((label, i) => [label, i]));
  const counts = new Map<string, number[]>();
  const starts = new Int32Array(maxWords);
  const ends = new Int32Array(maxWords);
  for (let i = 0; i < examples.length; i++) {
    if ((i & 255) === 255) await slicer.tick();
    const example = examples[i] as LabelledText;
    const words = scanWords(example.text, maxWords, starts, ends);
    const c = classOf.get(example.label);
    if (words === 0 || c === undefined) continue;
    const key = Array.from(starts.subarray(0, words), (start, k) => example.text.slice(start, ends[k])).join(
      ' ',
    );
    let perClass = counts.get(key);
    if (!perClass) {
      perClass = labels.map(() => 0);
      counts.set(key, perClass);
    }
    perClass[c] = (perClass[c] as number) + 1;
  }
  const entries: PathEntry[] = [];
  for (const [path, perClass] of counts) {
    const support = perClass.reduce((a, b) => a + b, 0);
    const top = perClass.indexOf(Math.max(...perClass));
    if (support >= options.minSupport && (perClass[top] as number) >= options.minPurity * support) {
      entries.push({ path, label: labels[top] as string, support, counts: perClass });
    }
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Class probabilities of a path: its counts smoothed with two pseudo-descriptions spread over the classes
 * (rule of succession), so a path seen 3 times says 0.68 and one seen 400 times 0.996.
 */
export function pathProbabilities(entry: Pick<PathEntry, 'counts' | 'support'>): number[] {
  const prior = 2 / entry.counts.length;
  return entry.counts.map((n) => (n + prior) / (entry.support + 2));
}
