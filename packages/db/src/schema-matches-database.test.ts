import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import internals from '@prisma/internals';
import { createTestDatabase, type TestDatabase } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The schema file is the source of truth; the hand-written SQL migrations must produce exactly it.
// Everything expected here is derived from Prisma's own DMMF of schema.prisma, not a hand-kept list.
const SCHEMA = fileURLToPath(new URL('../../../prisma/schema.prisma', import.meta.url));

type Dmmf = Awaited<ReturnType<typeof internals.getDMMF>>;
type Model = Dmmf['datamodel']['models'][number];
type Field = Model['fields'][number];

interface ColumnRow {
  TABLE_NAME: string;
  COLUMN_NAME: string;
  DATA_TYPE: string;
  COLUMN_TYPE: string;
  IS_NULLABLE: 'YES' | 'NO';
  COLUMN_DEFAULT: string | null;
  EXTRA: string;
  DATETIME_PRECISION: number | null;
}

let database: TestDatabase;
let dmmf: Dmmf;
let columns: ColumnRow[];

const tableOf = (model: Model) => model.dbName ?? model.name;
const columnOf = (model: Model, fieldName: string) => {
  const field = model.fields.find((f) => f.name === fieldName);
  return field?.dbName ?? fieldName;
};

beforeAll(async () => {
  database = await createTestDatabase('schema');
  dmmf = await internals.getDMMF({ datamodel: await readFile(SCHEMA, 'utf8') });
  columns = await query<ColumnRow>(
    'SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, DATETIME_PRECISION FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()',
  );
});

afterAll(async () => {
  await database?.drop();
});

function query<T>(sql: string): Promise<T[]> {
  return database.db.$queryRawUnsafe<T[]>(sql);
}

function expectedType(field: Field, dmmfEnums: Dmmf['datamodel']['enums']): (column: ColumnRow) => boolean {
  if (field.kind === 'enum') {
    const values =
      dmmfEnums.find((e) => e.name === field.type)?.values.map((v) => `'${v.dbName ?? v.name}'`) ?? [];
    return (c) => c.COLUMN_TYPE === `enum(${values.join(',')})`;
  }
  const [nativeName, nativeArgs] = (field.nativeType ?? [undefined, []]) as [string | undefined, string[]];
  switch (field.type) {
    case 'String': {
      const type = (nativeName ?? 'VarChar').toLowerCase();
      const length = nativeArgs[0] ?? (nativeName ? undefined : '191');
      return (c) => c.COLUMN_TYPE === (length ? `${type}(${length})` : type);
    }
    case 'Int':
      return (c) => c.DATA_TYPE === 'int';
    case 'BigInt':
      return (c) => c.DATA_TYPE === 'bigint';
    case 'Float':
      return (c) => c.DATA_TYPE === 'double';
    case 'Boolean':
      return (c) => c.COLUMN_TYPE === 'tinyint(1)';
    case 'DateTime':
      return (c) => c.DATA_TYPE === 'datetime' && Number(c.DATETIME_PRECISION) === Number(nativeArgs[0] ?? 3);
    // MariaDB stores JSON as LONGTEXT with a json_valid check.
    case 'Json':
      return (c) => c.DATA_TYPE === 'json' || c.DATA_TYPE === 'longtext';
    default:
      return () => false;
  }
}

function expectedDefault(field: Field): (column: ColumnRow) => boolean {
  const value = field.default as unknown;
  if (!field.hasDefaultValue || value === undefined)
    return (c) => c.COLUMN_DEFAULT === null || c.COLUMN_DEFAULT === 'NULL';
  if (typeof value === 'object' && value !== null && 'name' in value) {
    const name = (value as { name: string }).name;
    if (name === 'autoincrement') return (c) => c.EXTRA.includes('auto_increment');
    if (name === 'now') return (c) => /^current_timestamp\(3\)$/i.test(c.COLUMN_DEFAULT ?? '');
  }
  return (c) => (c.COLUMN_DEFAULT ?? '').replace(/^'(.*)'$/, '$1') === String(value);
}

describe('the migrated database matches schema.prisma', () => {
  it('has every model as a table and no stray tables', async () => {
    const tables = await query<{ TABLE_NAME: string }>(
      'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
    );
    expect(tables.map((t) => t.TABLE_NAME).sort()).toEqual(
      [...dmmf.datamodel.models.map(tableOf), '_prisma_migrations'].sort(),
    );
  });

  it('has every field with its type, nullability and default, and no extra columns', () => {
    for (const model of dmmf.datamodel.models) {
      const scalars = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
      const table = columns.filter((c) => c.TABLE_NAME === tableOf(model));
      expect(table.map((c) => c.COLUMN_NAME).sort(), tableOf(model)).toEqual(
        scalars.map((f) => f.dbName ?? f.name).sort(),
      );
      for (const field of scalars) {
        const column = table.find((c) => c.COLUMN_NAME === (field.dbName ?? field.name));
        const where = `${tableOf(model)}.${field.dbName ?? field.name}`;
        expect(column, where).toBeDefined();
        if (!column) continue;
        expect(column.IS_NULLABLE, `${where} nullability`).toBe(field.isRequired ? 'NO' : 'YES');
        expect(expectedType(field, dmmf.datamodel.enums)(column), `${where} type ${column.COLUMN_TYPE}`).toBe(
          true,
        );
        expect(expectedDefault(field)(column), `${where} default ${column.COLUMN_DEFAULT}`).toBe(true);
      }
    }
  });

  it('has every relation as a foreign key with its referential actions', async () => {
    const keys = await query<{
      TABLE_NAME: string;
      COLUMN_NAME: string;
      REFERENCED_TABLE_NAME: string;
      REFERENCED_COLUMN_NAME: string;
      DELETE_RULE: string;
    }>(
      `SELECT k.TABLE_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
       WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL`,
    );
    const expected = dmmf.datamodel.models.flatMap((model) =>
      model.fields
        .filter((f) => f.kind === 'object' && (f.relationFromFields?.length ?? 0) > 0)
        .map((f) => {
          const target = dmmf.datamodel.models.find((m) => m.name === f.type);
          if (!target) throw new Error(`relation ${model.name}.${f.name} targets unknown model ${f.type}`);
          const onDelete = f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull');
          return {
            TABLE_NAME: tableOf(model),
            COLUMN_NAME: columnOf(model, f.relationFromFields?.[0] ?? ''),
            REFERENCED_TABLE_NAME: tableOf(target),
            REFERENCED_COLUMN_NAME: columnOf(target, f.relationToFields?.[0] ?? ''),
            DELETE_RULE: onDelete.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase(),
          };
        }),
    );
    const sort = (rows: { TABLE_NAME: string; COLUMN_NAME: string }[]) =>
      [...rows].sort((a, b) =>
        `${a.TABLE_NAME}.${a.COLUMN_NAME}`.localeCompare(`${b.TABLE_NAME}.${b.COLUMN_NAME}`),
      );
    expect(sort(keys)).toEqual(sort(expected));
  });

  it('has every id, unique and index over the same columns', async () => {
    const rows = await query<{
      TABLE_NAME: string;
      INDEX_NAME: string;
      NON_UNIQUE: number;
      COLUMN_NAME: string;
    }>(
      'SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX',
    );
    const actual = new Map<string, string>();
    for (const row of rows) {
      if (row.TABLE_NAME === '_prisma_migrations') continue;
      const key = `${row.TABLE_NAME}/${row.INDEX_NAME}`;
      const kind = row.INDEX_NAME === 'PRIMARY' ? 'id' : Number(row.NON_UNIQUE) === 0 ? 'unique' : 'normal';
      const previous = actual.get(key);
      actual.set(
        key,
        previous ? `${previous},${row.COLUMN_NAME}` : `${row.TABLE_NAME} ${kind} ${row.COLUMN_NAME}`,
      );
    }
    const expected = dmmf.datamodel.indexes
      .filter((index) => ['id', 'unique', 'normal'].includes(index.type))
      .map((index) => {
        const model = dmmf.datamodel.models.find((m) => m.name === index.model);
        if (!model) throw new Error(`index on unknown model ${index.model}`);
        return `${tableOf(model)} ${index.type} ${index.fields.map((f) => columnOf(model, f.name)).join(',')}`;
      });
    expect([...actual.values()].sort()).toEqual(expected.sort());
  });
});
