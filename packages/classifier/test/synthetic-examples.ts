import { createRandom } from '../src/random';
import type { LabelledText } from '../src/train-options';

const VOCABULARY: Record<string, string[]> = {
  Beverages: ['sparkling water', 'green tea', 'cold brew coffee', 'orange juice', 'cola soda'],
  'Fresh Produce': ['organic bananas', 'baby spinach', 'fuji apples', 'ripe avocado', 'cherry tomatoes'],
  Household: ['dish soap', 'laundry detergent', 'paper towels', 'toilet cleaner', 'trash bags'],
};
const FILLER = ['family size', 'value pack', 'classic', 'premium', '12 oz', 'new'];

/** Texts whose label is decided by one product phrase, plus shared filler words: separable by construction. */
export function syntheticExamples(count: number, seed: number): LabelledText[] {
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const labels = Object.keys(VOCABULARY);
  return Array.from({ length: count }, (_, i) => {
    const label = labels[i % labels.length] as string;
    return { text: `${pick(FILLER)} ${pick(VOCABULARY[label] as string[])} ${pick(FILLER)}`, label };
  });
}

const AISLES: Record<string, string[]> = {
  Beverages: ['tea', 'soft drinks', 'juice nectars'],
  'Fresh Produce': ['fresh fruits', 'fresh vegetables'],
  Household: ['cleaning products', 'paper goods', 'laundry'],
};
const BRANDS = ['Acme', 'Blue Hill', 'Sunny', 'Organic Valley', 'Crème', 'North'];

/**
 * Product descriptions shaped like the real data: about 60% start with a lower-case aisle that belongs to
 * one class ("tea Acme Green Tea Classic"), the rest are the capitalised product name alone.
 */
export function syntheticCatalogue(count: number, seed: number): LabelledText[] {
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const capitalise = (phrase: string) => phrase.replace(/\b\w/g, (c) => c.toUpperCase());
  const labels = Object.keys(VOCABULARY);
  return Array.from({ length: count }, (_, i) => {
    const label = labels[i % labels.length] as string;
    const name = `${pick(BRANDS)} ${capitalise(pick(VOCABULARY[label] as string[]))} ${capitalise(pick(FILLER))}`;
    const text = random() < 0.6 ? `${pick(AISLES[label] as string[])} ${name}` : name;
    return { text, label };
  });
}
