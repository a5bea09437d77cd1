import type { Db } from '../create-prisma-client';
import type { ApiKey, ApiKeyRole } from '../generated/prisma/client';

export interface NewApiKey {
  id: string;
  name: string;
  role: ApiKeyRole;
  /** sha256 (hex) of the whole key; the key itself is never stored. */
  hash: string;
}

/** API keys by hash: create, look up the active one, revoke, list. */
export class ApiKeyRepository {
  constructor(private readonly db: Db) {}

  create(key: NewApiKey): Promise<ApiKey> {
    return this.db.apiKey.create({ data: key });
  }

  findActiveByHash(hash: string): Promise<ApiKey | null> {
    return this.db.apiKey.findFirst({ where: { hash, revokedAt: null } });
  }

  /** True when the key existed and was active. */
  async revoke(id: string): Promise<boolean> {
    const { count } = await this.db.apiKey.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return count === 1;
  }

  list(): Promise<ApiKey[]> {
    return this.db.apiKey.findMany({ orderBy: { createdAt: 'asc' } });
  }

  countActive(): Promise<number> {
    return this.db.apiKey.count({ where: { revokedAt: null } });
  }

  async touch(id: string): Promise<void> {
    await this.db.apiKey.update({ where: { id }, data: { lastUsedAt: new Date() } });
  }
}
