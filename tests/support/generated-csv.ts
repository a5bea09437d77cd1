import { labelledProducts, toCsv } from '@shelfwise/test-kit';

/**
 * An inference file of `rows` product descriptions (10,000 generated ones, cycled; each row numbered so
 * every line is distinct and its place in the output can be checked).
 */
export function predictionInput(rows: number): { csv: string; texts: string[] } {
  const source = labelledProducts(10_000, 7);
  const texts = Array.from({ length: rows }, (_, i) => `${source[i % source.length]?.text} #${i}`);
  return {
    csv: toCsv(
      ['product_description'],
      texts.map((text) => [text]),
    ),
    texts,
  };
}

/** A training file of `rows` labelled product descriptions. */
export function trainingInput(rows: number): string {
  return toCsv(
    ['product_description', 'Category'],
    labelledProducts(rows).map((row) => [row.text, row.label]),
  );
}
