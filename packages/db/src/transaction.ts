import type { Db } from './create-prisma-client';
import type { Prisma } from './generated/prisma/client';

export type Tx = Prisma.TransactionClient;

/** Runs `work` in one interactive transaction; repositories accept either the client or a `Tx`. */
export function withTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(work, { maxWait: 5_000, timeout: 15_000 });
}
