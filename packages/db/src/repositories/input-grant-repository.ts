import type { Db } from '../create-prisma-client';

/** Prefixes an admin let a client key read as job input: grant, take back, and check one input. */
export class InputGrantRepository {
  constructor(private readonly db: Db) {}

  /** Idempotent: granting a prefix twice keeps one grant. */
  async grant(apiKeyId: string, prefixUri: string): Promise<void> {
    await this.db.inputGrant.upsert({
      where: { apiKeyId_prefixUri: { apiKeyId, prefixUri } },
      create: { apiKeyId, prefixUri },
      update: {},
    });
  }

  /** True when the grant existed. */
  async revoke(apiKeyId: string, prefixUri: string): Promise<boolean> {
    const { count } = await this.db.inputGrant.deleteMany({ where: { apiKeyId, prefixUri } });
    return count === 1;
  }

  async listFor(apiKeyId: string): Promise<string[]> {
    const grants = await this.db.inputGrant.findMany({ where: { apiKeyId }, orderBy: { prefixUri: 'asc' } });
    return grants.map((grant) => grant.prefixUri);
  }

  /** True when `uri` (an object or a prefix) lies under a prefix granted to this key. */
  async covers(apiKeyId: string, uri: string): Promise<boolean> {
    return (await this.listFor(apiKeyId)).some((prefix) => uri.startsWith(prefix));
  }
}
