import { describe, expect, it } from 'vitest';
import { learnPathTable, PathTable, pathProbabilities } from './path-table';
import { TimeSlicer } from './time-slicer';

const labels = ['Dry', 'Fresh', 'Specialty'];
const rows = (text: string, label: string, n: number) => Array.from({ length: n }, () => ({ text, label }));

describe('learnPathTable', () => {
  it('keeps the leading lower-case paths with enough support and purity, sorted by path', async () => {
    const examples = [
      ...rows('spices seasonings All-Seasons Salt', 'Dry', 5),
      ...rows('other Cheese Board', 'Specialty', 4),
      ...rows('other creams cheeses Brie', 'Fresh', 3),
      ...rows('frozen Peas', 'Fresh', 3),
      ...rows('frozen Pizza', 'Dry', 1),
      ...rows('rare aisle Thing', 'Dry', 2),
      ...rows('Capitalised Name', 'Dry', 9),
    ];
    const entries = await learnPathTable(
      examples,
      labels,
      6,
      { minSupport: 3, minPurity: 0.98 },
      new TimeSlicer(),
    );
    expect(entries).toEqual([
      { path: 'other', label: 'Specialty', support: 4, counts: [0, 0, 4] },
      { path: 'other creams cheeses', label: 'Fresh', support: 3, counts: [0, 3, 0] },
      { path: 'spices seasonings', label: 'Dry', support: 5, counts: [5, 0, 0] },
    ]);
    // "frozen" is 3 of 4 one class: below 0.98, but in at 0.75.
    const loose = await learnPathTable(
      examples,
      labels,
      6,
      { minSupport: 3, minPurity: 0.75 },
      new TimeSlicer(),
    );
    expect(loose.map((e) => e.path)).toContain('frozen');
  });
});

describe('PathTable', () => {
  const table = new PathTable(
    [{ path: 'ice cream' }, { path: 'ice cream ice' }, { path: 'mint gum' }, { path: 'tea' }],
    6,
  );

  it('matches the longest path the text starts with, and says where the name begins', () => {
    expect(table.match('ice cream ice Vanilla Bean')).toEqual({ row: 2, end: 13 });
    expect(table.match('ice cream Toppings Sprinkles')).toEqual({ row: 1, end: 9 });
    expect(table.match('mint gum with Xylitol')).toEqual({ row: 3, end: 8 });
    expect(table.match('  tea   Green')).toEqual({ row: 4, end: 5 });
    expect(table.match('tea')).toEqual({ row: 4, end: 3 });
  });

  it('matches only whole lower-case words at the start', () => {
    for (const text of [
      'Tea Green',
      'teas Green',
      'tea, Green',
      'green tea',
      'mint gums',
      'ice  creams x',
      '',
    ])
      expect(table.match(text).row, text).toBe(0);
    expect(table.match('ice  cream Vanilla').row).toBe(1);
  });

  it('finds each of thousands of paths at its own row, and no path it does not hold', () => {
    // Words from a..z pairs: many paths share words and prefixes, so hash slots collide and are probed.
    const word = (i: number) => String.fromCharCode(97 + (i % 26), 97 + ((i * 7) % 26));
    const paths = Array.from({ length: 3000 }, (_, i) => `${word(i)} ${word(i >> 2)} ${word(i >> 5)}`);
    const unique = [...new Set(paths)].sort();
    const big = new PathTable(
      unique.map((path) => ({ path })),
      6,
    );
    unique.forEach((path, i) => {
      expect(big.match(`${path} Name`)).toEqual({ row: i + 1, end: path.length });
    });
    expect(big.match('zz zz zz zz Name').row).toBe(0);
  });

  it('looks at no more than maxWords words', () => {
    const short = new PathTable([{ path: 'ice cream ice' }], 2);
    expect(short.match('ice cream ice Vanilla').row).toBe(0);
  });
});

describe('pathProbabilities', () => {
  it('smooths the counts with two pseudo-rows spread over the classes', () => {
    const p = pathProbabilities({ counts: [400, 0, 0, 0, 0], support: 400 });
    expect(p[0]).toBeCloseTo(400.4 / 402, 10);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(pathProbabilities({ counts: [3, 0, 0, 0, 0], support: 3 })[0]).toBeCloseTo(0.68, 10);
  });
});
