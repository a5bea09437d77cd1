import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvFormatError } from './csv-format-error';
import { type CsvRow, readCsv } from './read-csv';
import { createCsvWriter } from './write-csv';

const rowsOf = async (text: string | Buffer, required: string[] = []): Promise<CsvRow[]> => {
  const rows: CsvRow[] = [];
  for await (const row of readCsv(Readable.from([text]), { required })) rows.push(row);
  return rows;
};

const errorOf = async (text: string, required: string[] = []): Promise<CsvFormatError> => {
  try {
    await rowsOf(text, required);
  } catch (error) {
    if (error instanceof CsvFormatError) return error;
    throw error;
  }
  throw new Error('expected a CsvFormatError');
};

describe('readCsv', () => {
  it('reads rows keyed by header, with BOM, CRLF and quoted newlines', async () => {
    const text = '\uFEFFproduct_description,Category\r\n"milk, whole\r\n1l",Fresh\r\ntea,Beverages\r\n';
    expect(await rowsOf(text, ['product_description'])).toEqual([
      { product_description: 'milk, whole\r\n1l', Category: 'Fresh' },
      { product_description: 'tea', Category: 'Beverages' },
    ]);
  });

  it('names every missing required column', async () => {
    const error = await errorOf('description,label\nx,y\n', ['product_description', 'Category']);
    expect(error.message).toContain('"product_description", "Category"');
    expect(error.row).toBe(0);
  });

  it('refuses a duplicated header column, naming it', async () => {
    const error = await errorOf('product_description,product_description\nx,y\n');
    expect(error.message).toContain('"product_description" appears more than once');
  });

  it('names the row with the wrong number of fields', async () => {
    const error = await errorOf('a,b\n1,2\n3,4\n5,6,7\n');
    expect(error.row).toBe(3);
    expect(error.message).toContain('row 3');
  });

  it('streams large files row by row', async () => {
    async function* lines() {
      yield 'n,text\n';
      for (let i = 0; i < 50_000; i++) yield `${i},item ${i}\n`;
    }
    let count = 0;
    let last: CsvRow | undefined;
    for await (const row of readCsv(Readable.from(lines()))) {
      count++;
      last = row;
    }
    expect(count).toBe(50_000);
    expect(last).toEqual({ n: '49999', text: 'item 49999' });
  });
});

describe('createCsvWriter', () => {
  it('writes a header and quotes what needs quoting, readable back as the same rows', async () => {
    const writer = createCsvWriter(['text', 'label']);
    const rows = [
      { text: 'a, "quoted"\nline', label: 'x' },
      { text: 'plain', label: 'y' },
    ];
    for (const row of rows) writer.write(row);
    writer.end();
    const chunks: Buffer[] = [];
    for await (const chunk of writer) chunks.push(Buffer.from(chunk));
    expect(await rowsOf(Buffer.concat(chunks))).toEqual(rows);
  });
});
