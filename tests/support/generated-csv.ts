import { toCsv, trainingRows } from './training-sample';

/**
 * An inference file of `rows` real product descriptions (the training set, cycled; each row numbered so
 * every line is distinct and its place in the output can be checked).
 */
export function predictionInput(rows: number): { csv: string; texts: string[] } {
  const source = trainingRows(10_000, 0, 1);
  const texts = Array.from({ length: rows }, (_, i) => `${source[i % source.length]?.text} #${i}`);
  return {
    csv: toCsv(
      ['product_description'],
      texts.map((text) => [text]),
    ),
    texts,
  };
}

/** A training file of `rows` labelled rows of the real training set. */
export function trainingInput(rows: number, offset = 0): string {
  return toCsv(
    ['product_description', 'Category'],
    trainingRows(rows, offset, 1).map((row) => [row.text, row.label]),
  );
}
