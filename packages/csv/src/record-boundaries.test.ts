import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsvBatches } from './read-csv';
import { RecordBoundaries, type RecordPlan } from './record-boundaries';

async function parse(bytes: Buffer): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const batch of readCsvBatches(Readable.from([bytes]))) rows.push(...batch);
  return rows;
}

/** Scans `bytes` pushed in pieces of `piece` bytes, so state crossing chunk edges is exercised too. */
function plan(bytes: Buffer, rowsPerSlice: number, piece = bytes.length): RecordPlan {
  const scanner = new RecordBoundaries(rowsPerSlice);
  for (let at = 0; at < bytes.length; at += piece) scanner.push(bytes.subarray(at, at + piece));
  return scanner.end();
}

/** Every slice, parsed after the header alone, gives exactly its rows of the whole file's parse. */
async function expectSlicesParseAsWhole(bytes: Buffer, result: RecordPlan): Promise<void> {
  const whole = await parse(bytes);
  expect(result.rows).toBe(whole.length);
  const header = bytes.subarray(0, result.headerEnd);
  const pieces: string[][] = [];
  let covered = result.headerEnd;
  for (const slice of result.slices) {
    expect(slice.start).toBe(covered);
    covered = slice.end;
    const rows = await parse(Buffer.concat([header, bytes.subarray(slice.start, slice.end)]));
    expect(rows.length).toBe(slice.rows);
    expect(rows).toEqual(whole.slice(slice.firstRow - 1, slice.firstRow - 1 + slice.rows));
    pieces.push(...rows);
  }
  expect(covered).toBe(bytes.length);
  expect(pieces).toEqual(whole);
}

describe('RecordBoundaries', () => {
  it('never cuts inside a quoted field, even where its newline falls exactly at a slice edge', async () => {
    // Every second row's text ends with a quoted newline: a line-counting cut after 2 lines would land in it.
    const rows = Array.from({ length: 9 }, (_, i) => (i % 2 ? `"tea ${i}\n",${i}` : `"mug, ""${i}""",${i}`));
    const bytes = Buffer.from(`text,n\n${rows.join('\n')}\n`);
    const result = plan(bytes, 2);
    expect(result.slices.map((s) => s.rows)).toEqual([2, 2, 2, 2, 1]);
    // Each slice starts at a record, never at the line a quoted newline opened (`",3`).
    for (const slice of result.slices) expect(bytes.subarray(slice.start).toString()).toMatch(/^"(tea|mug)/);
    for (const piece of [1, 2, 3, 7, bytes.length])
      await expectSlicesParseAsWhole(bytes, plan(bytes, 2, piece));
  });

  it('counts rows as the parser does: CRLF, lone CR, blank lines, a BOM, `""` alone, no final newline', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('a,b\r\n1,2\r\n\r\n""\n3,"x\r\ny"\r4,5\n\n\n6,7\n8,"9\n"\n10,11'),
    ]);
    // `""` alone is a row of one field: the parser then refuses the field count, so only count here.
    const result = plan(bytes, 2);
    expect(result.rows).toBe(7);
    const valid = Buffer.from('\ufeffa,b\r\n1,2\r\n\r\n3,"x\r\ny"\r4,5\n\n\n6,7\n8,"9\n"\n10,11\n\n');
    for (const rowsPerSlice of [1, 2, 3, 100]) {
      for (const piece of [1, 4, valid.length]) {
        await expectSlicesParseAsWhole(valid, plan(valid, rowsPerSlice, piece));
      }
    }
  });

  it('slices generated files of mixed records at every size', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const field = () => {
      const r = random();
      if (r < 0.2) return `"line one${random() < 0.5 ? '\r\n' : '\n'}line two"`;
      if (r < 0.4) return `"a ""quoted"" word, and a comma"`;
      if (r < 0.5) return '""';
      return `plain ${Math.floor(random() * 1000)}`;
    };
    for (let file = 0; file < 5; file++) {
      const lines = Array.from({ length: 40 }, () => `${field()},${field()}`);
      const bytes = Buffer.from(`text,other\n${lines.join(random() < 0.5 ? '\n' : '\r\n')}`);
      for (const rowsPerSlice of [1, 3, 10, 39, 40, 41]) {
        await expectSlicesParseAsWhole(bytes, plan(bytes, rowsPerSlice, 1 + Math.floor(random() * 50)));
      }
    }
  });

  it('leaves a file it cannot split at an LF unsplit, and a header-only file without rows', () => {
    expect(plan(Buffer.from('a\r1\r2\r'), 1).slices).toEqual([]);
    expect(plan(Buffer.from('a,b'), 1)).toEqual({ headerEnd: -1, rows: 0, slices: [] });
    expect(plan(Buffer.from('a,b\n'), 1)).toEqual({
      headerEnd: 4,
      rows: 0,
      slices: [{ start: 4, end: 4, rows: 0, firstRow: 1 }],
    });
  });
});
