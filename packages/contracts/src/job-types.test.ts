import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JOB_NAMES, JOBS } from './job-catalog';
import { JOB_TYPES } from './job-types';

const schema = readFileSync(new URL('../../../prisma/schema.prisma', import.meta.url), 'utf8');

describe('JOB_TYPES', () => {
  it('is the Prisma enum JobType, value for value (Prisma cannot import it)', () => {
    const body = /enum JobType \{([^}]*)\}/.exec(schema)?.[1];
    expect(body).toBeDefined();
    const values = (body ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('//'));
    expect(values).toEqual([...JOB_TYPES]);
  });

  it('belong each to exactly one job of the catalog, and only jobs with rows declare types', () => {
    for (const type of JOB_TYPES) {
      expect(
        JOB_NAMES.filter((name) => type in JOBS[name].types),
        type,
      ).toHaveLength(1);
    }
    for (const name of JOB_NAMES) {
      expect(Object.keys(JOBS[name].types).length > 0, name).toBe(JOBS[name].failures === 'row');
    }
  });
});
