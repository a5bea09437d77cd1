import { createRandom } from './random';
import type { LabelledText } from './train-options';

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
