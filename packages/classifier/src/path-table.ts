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
 * allocates nothing: it hashes the words in place and compares a candidate's characters with the text.
 */
export class PathTable {
  /** Path hash → rows with that hash (almost always one). */
  readonly #rows = new Map<number, number[]>();
  readonly #starts: Int32Array;
  readonly #ends: Int32Array;
  readonly #hashes: Int32Array;

  constructor(
    readonly entries: readonly Pick<PathEntry, 'path'>[],
    readonly maxWords: number,
  ) {
    entries.forEach((entry, i) => {
      const h = pathHash(entry.path);
      const rows = this.#rows.get(h);
      if (rows) rows.push(i + 1);
      else this.#rows.set(h, [i + 1]);
    });
    this.#starts = new Int32Array(maxWords);
    this.#ends = new Int32Array(maxWords);
    this.#hashes = new Int32Array(maxWords);
  }

  match(text: string, into: PathMatch = { row: 0, end: 0 }): PathMatch {
    into.row = 0;
    into.end = 0;
    if (this.#rows.size === 0) return into;
    const starts = this.#starts;
    const ends = this.#ends;
    const hashes = this.#hashes;
    const words = scanWords(text, this.maxWords, starts, ends);
    let h = FNV_OFFSET;
    for (let k = 0; k < words; k++) {
      if (k > 0) h = Math.imul(h ^ SPACE, FNV_PRIME);
      for (let i = starts[k] as number; i < (ends[k] as number); i++)
        h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
      hashes[k] = h;
    }
    for (let k = words - 1; k >= 0; k--) {
      const rows = this.#rows.get(hashes[k] as number);
      if (rows === undefined) continue;
      for (const row of rows) {
        if (this.#spells((this.entries[row - 1] as PathEntry).path, text, k + 1)) {
          into.row = row;
          into.end = ends[k] as number;
          return into;
        }
      }
    }
    return into;
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
