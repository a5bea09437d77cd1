import { describe, expect, it } from 'vitest';
import { type HandlerEntry, handlerTable } from './job-handlers';

const direct = { kind: 'direct', run: async () => ({ modelVersion: 1, predictions: [] }) } as const;
const recorded = { kind: 'recorded', run: async () => ({ result: {} as never }) } as const;

describe('handlerTable', () => {
  it('accepts exactly one handler per served job name', () => {
    const table = handlerTable(
      [
        { name: 'online', handler: direct },
        { name: 'predict-csv', handler: recorded },
        { name: 'predict-chunk', handler: direct },
      ] as HandlerEntry[],
      ['online', 'inference'],
    );
    expect([...table.keys()].sort()).toEqual(['online', 'predict-chunk', 'predict-csv']);
  });

  it('refuses to start when a served job has no handler', () => {
    expect(() =>
      handlerTable([{ name: 'online', handler: direct }] as HandlerEntry[], ['online', 'training']),
    ).toThrow('no handler for job "train" (queue training)');
  });

  it('refuses to start when a job has two handlers', () => {
    expect(() =>
      handlerTable(
        [
          { name: 'online', handler: direct },
          { name: 'online', handler: direct },
        ] as HandlerEntry[],
        ['online'],
      ),
    ).toThrow('two handlers for job "online"');
  });

  it('refuses a handler of another kind than its job records failures with', () => {
    expect(() =>
      handlerTable(
        [{ name: 'predict-csv', handler: { kind: 'direct', run: async () => ({}) as never } }],
        [],
      ),
    ).toThrow('job "predict-csv" needs a recorded handler');
  });
});
