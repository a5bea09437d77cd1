import { describe, expect, it } from 'vitest';
import { type HandlerEntry, handlerTable } from './job-handlers';

const direct = { kind: 'direct', run: async () => ({ modelVersion: 1, predictions: [] }) } as const;
const recorded = { kind: 'recorded', run: async () => ({ result: {} as never }) } as const;

describe('handlerTable', () => {
  it('accepts exactly one handler per served job name', () => {
    const table = handlerTable(
      [
        { name: 'predict-online', handler: direct },
        { name: 'predict-csv', handler: recorded },
        { name: 'predict-chunk', handler: direct },
      ] as HandlerEntry[],
      ['online', 'inference'],
    );
    expect([...table.keys()].sort()).toEqual(['predict-chunk', 'predict-csv', 'predict-online']);
  });

  it('refuses to start when a served job has no handler', () => {
    expect(() =>
      handlerTable([{ name: 'predict-online', handler: direct }] as HandlerEntry[], ['online', 'training']),
    ).toThrow('no handler for job "train" (queue training)');
  });

  it('refuses to start when a job has two handlers', () => {
    expect(() =>
      handlerTable(
        [
          { name: 'predict-online', handler: direct },
          { name: 'predict-online', handler: direct },
        ] as HandlerEntry[],
        ['online'],
      ),
    ).toThrow('two handlers for job "predict-online"');
  });
});
