import { describe, expect, it } from 'vitest';
import { incompleteUtf8Tail, invalidUtf8Offset } from './utf8-scan';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('invalidUtf8Offset', () => {
  it('finds nothing wrong in valid text, a sequence cut off at the end included', () => {
    expect(invalidUtf8Offset(bytes('plain, é, 漢字, 😀'))).toBe(-1);
    expect(invalidUtf8Offset(bytes('tea ', [0xf0, 0x9f, 0x98]))).toBe(-1);
  });

  it.each([
    ['a stray continuation byte', [0x80], 3],
    ['a lead byte followed by ASCII', [0xc3, 0x28], 3],
    ['an overlong form', [0xc0, 0xaf], 3],
    ['a surrogate', [0xed, 0xa0, 0x80], 3],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 3],
    ['a byte that is never UTF-8', [0xff], 3],
  ])('points at %s', (_name, bad, at) => {
    expect(invalidUtf8Offset(bytes('ok ', bad as number[], ' more'))).toBe(at);
  });
});

describe('incompleteUtf8Tail', () => {
  it('returns the start of a sequence the chunk cuts off, and nothing for a complete end', () => {
    expect([...incompleteUtf8Tail(bytes('x', [0xe6, 0xbc]))]).toEqual([0xe6, 0xbc]);
    expect([...incompleteUtf8Tail(bytes('x', [0xc3]))]).toEqual([0xc3]);
    expect(incompleteUtf8Tail(bytes('xé'))).toHaveLength(0);
    expect(incompleteUtf8Tail(bytes('abc'))).toHaveLength(0);
  });
});
