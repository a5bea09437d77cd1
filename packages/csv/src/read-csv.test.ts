import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvFormatError } from './csv-format-error';
import { MissingColumnError } from './missing-column-error';
import { type CsvReadOptions, type CsvRow, readCsv } from './read-csv';
import { formatCsv } from './write-csv';

type Slice = CsvReadOptions['slice'];

const rowsOf = async (text: string | Buffer, required: string[] = [], slice?: Slice): Promise<CsvRow[]> => {
  const rows: CsvRow[] = [];
  for await (const row of readCsv(Readable.from([text]), { required, slice })) rows.push(row);
  return rows;
};

const errorOf = async (text: string, required: string[] = [], slice?: Slice): Promise<CsvFormatError> => {
  try {
    await rowsOf(text, required, slice);
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

  it('reads a slice of a file with its header given, naming rows as the whole file numbers them', async () => {
    const slice = { header: ['a', 'b'], firstRow: 41 };
    expect(await rowsOf('1,2\n"x\ny",3\n', [], slice)).toEqual([
      { a: '1', b: '2' },
      { a: 'x\ny', b: '3' },
    ]);
    const error = await errorOf('1,2\n3,4,5\n', [], slice);
    expect(error.row).toBe(42);
    expect(error.message).toBe('CSV row 42: 3 fields, but the header has 2');
    const missing = await errorOf('1,2\n', ['product_description'], slice);
    expect(missing).toBeInstanceOf(MissingColumnError);
  });

  it('gives the same rows whatever the chunk boundaries', async () => {
    const text = 'a,b\r\n"x, ""y""\r\nz",2\r\nplain,"3"\r\n\r\nlast,4';
    const whole = await rowsOf(text);
    expect(whole).toEqual([
      { a: 'x, "y"\r\nz', b: '2' },
      { a: 'plain', b: '3' },
      { a: 'last', b: '4' },
    ]);
    const oneByOne: CsvRow[] = [];
    for await (const row of readCsv(Readable.from(text.split('').map((c) => Buffer.from(c)))))
      oneByOne.push(row);
    expect(oneByOne).toEqual(whole);
  });

  it('skips blank lines but keeps a line holding one quoted empty field', async () => {
    expect(await rowsOf('a\nx\n\n""\r\n\r\ny\n')).toEqual([{ a: 'x' }, { a: '' }, { a: 'y' }]);
    const oneByOne: CsvRow[] = [];
    for await (const row of readCsv(Readable.from(['a\n', '"', '"', '\n', '\n', 'y']))) oneByOne.push(row);
    expect(oneByOne).toEqual([{ a: '' }, { a: 'y' }]);
  });

  it.each([
    ['a,b\n"open,1\n', 'row 1: a quoted field is never closed'],
    ['a,b\nx"y,1\n', 'row 1: a quote inside an unquoted field'],
    ['a,b\n"x"y,1\n', 'row 1: a character after the closing quote'],
  ])('refuses malformed quoting, naming the row: %j', async (text, message) => {
    expect((await errorOf(text)).message).toContain(message);
  });

  it('refuses invalid UTF-8, naming the row', async () => {
    const bytes = Buffer.concat([Buffer.from('a\nok\n'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    let error: unknown;
    try {
      await rowsOf(bytes);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as CsvFormatError).message).toContain('not valid UTF-8');
  });

  it('refuses a field longer than the limit instead of buffering it', async () => {
    const rows = readCsv(Readable.from(['a\n', 'x'.repeat(2_000)]), { maxFieldLength: 1_000 });
    await expect(rows.next()).rejects.toThrow('longer than 1,000 characters');
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

describe('formatCsv', () => {
  it('quotes only what needs quoting, and reads back as the same rows', async () => {
    const rows = [
      ['a, "quoted"\nline', 'x'],
      ['plain', 'y'],
    ];
    const text = formatCsv([['text', 'label'], ...rows]);
    expect(text).toBe('text,label\n"a, ""quoted""\nline",x\nplain,y\n');
    expect(await rowsOf(text)).toEqual(rows.map(([text, label]) => ({ text, label })));
  });
});
