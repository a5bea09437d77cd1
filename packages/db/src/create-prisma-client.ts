import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { connectionOptions } from './connection-options';
import { PrismaClient } from './generated/prisma/client';

export type Db = PrismaClient;

/** The one way to build a client: queries go through the MariaDB driver adapter (no native engine). */
export function createPrismaClient(databaseUrl: string): Db {
  return new PrismaClient({ adapter: new PrismaMariaDb(connectionOptions(databaseUrl)) });
}
