import { train } from '@shelfwise/classifier';
import type { Db } from '@shelfwise/db';
import type { ObjectStore } from '@shelfwise/storage';
import { publishServingModel } from '@shelfwise/test-kit';
import { trainingRows } from './training-sample';

/** A small model trained on 2,000 real rows, serving: enough for tests about predictions. */
export async function seedServingModel(db: Db, store: ObjectStore, modelsBucket: string): Promise<number> {
  const examples = trainingRows(2_000, 1).map((row) => ({ text: row.text, label: row.label }));
  return publishServingModel(db, store, modelsBucket, await train(examples, { epochs: 3, seed: 42 }));
}
