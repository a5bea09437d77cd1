/**
 * A label as part of a metric key: MLflow keys allow only word characters and `. - / :` and space, and
 * a slug keeps charts readable (`Dry Goods & Pantry Staples` → `dry_goods_pantry_staples`).
 */
export function labelSlug(label: string): string {
  const slug = label
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return slug || 'unnamed';
}
