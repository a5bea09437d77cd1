import { train } from '@shelfwise/classifier';
import type { Db } from '@shelfwise/db';
import type { ObjectStore } from '@shelfwise/storage';
import { labelledProducts } from '@shelfwise/test-kit';
import { publishServingModel } from '@shelfwise/test-kit/model';

/** A small model trained on 2,000 generated rows, serving: enough for tests about predictions. */
export async function seedServingModel(db: Db, store: ObjectStore, modelsBucket: string): Promise<number> {
  return publishServingModel(
    db,
    store,
    modelsBucket,
    await train(labelledProducts(2_000, 2), { epochs: 3, seed: 42 }),
  );
}
