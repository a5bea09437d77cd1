import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvFormatError } from './csv-format-error';
import { readCsv } from './read-csv';

const errorOf = async (chunks: (string | Buffer)[]): Promise<CsvFormatError> => {
  try {
    for await (const _ of readCsv(Readable.from(chunks))) {
      // Reading to the end is the point.
    }
  } catch (error) {
    if (error instanceof CsvFormatError) return error;
    throw error;
  }
  throw new Error('expected a CsvFormatError');
};

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('readCsv on bytes that are not text', () => {
  it('names the row of an invalid UTF-8 byte, not the first row of its chunk', async () => {
    const error = await errorOf([bytes('a,b\n1,x\n2,y\n3,', [0xc3, 0x28], '\n4,z\n')]);
    expect(error.message).toBe('CSV row 3: the file is not valid UTF-8');
    expect(error.row).toBe(3);
  });

  it('finds the row when a character is split across chunks before the bad byte', async () => {
    const [first, second] = [bytes('a\nt', [0xc3]), bytes([0xa9], '\nok\n', [0xff], '\n')];
    const error = await errorOf([first, second]);
    expect(error.message).toBe('CSV row 3: the file is not valid UTF-8');
  });

  it('refuses a NUL byte, naming its row', async () => {
    const error = await errorOf([bytes('a\nmilk\nwhole', [0], 'milk\n')]);
    expect(error.message).toBe('CSV row 2: a NUL byte (a binary file, or UTF-16 text?)');
    expect(error.row).toBe(2);
  });

  it('refuses UTF-16 text on its first row', async () => {
    const error = await errorOf([Buffer.from('\ufeffa\nmilk\n', 'utf16le')]);
    expect(error.message).toBe('CSV row 0: the file is not valid UTF-8');
  });
});
