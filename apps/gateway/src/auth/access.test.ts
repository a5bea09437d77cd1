import { randomBytes } from 'node:crypto';
import { ApiKeyRepository, type ApiKeyRole, generateApiKey } from '@shelfwise/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, call, startGateway, TEST_ADMIN_KEY, type TestGateway } from '../../test/test-gateway';
import { createTestServices, type TestServices } from '../../test/test-services';

describe('access control: API keys, roles, job ownership, rate limit, headers, S3 prefixes', () => {
  let services: TestServices;
  let gateway: TestGateway;
  let keys: ApiKeyRepository;
  let input: string;

  /** A key stored in MySQL the way `pnpm apikey create` stores it. */
  const storedKey = async (role: ApiKeyRole) => {
    const made = generateApiKey();
    await keys.create({ id: made.id, name: `test ${role}`, role, hash: made.hash });
    return made;
  };
  const as = (key: string) => bearer(key);
  /** A predict job of `client`'s, on a file in its own namespace (the only place it may read from). */
  const submit = async (client: { id: string; key: string }) => {
    const own = `s3://${services.s3.buckets.dataset}/clients/${client.id}/products.csv`;
    await services.s3.store.upload(own, 'product_description\nmilk\n');
    return call(`${gateway.url}/v1/predict/csv`, 'POST', { input_file_s3: own }, as(client.key));
  };

  beforeAll(async () => {
    services = await createTestServices('access');
    gateway = await startGateway(services);
    keys = new ApiKeyRepository(services.database.db);
    input = `s3://${services.s3.buckets.inference}/in/products.csv`;
    await services.s3.store.upload(input, 'product_description\nmilk\n');
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('answers 401 UNAUTHENTICATED with WWW-Authenticate when no key or an unknown key is sent', async () => {
    for (const headers of [{ authorization: '' }, as('sw_nope_nope'), { authorization: 'Token x' }]) {
      const answer = await call(`${gateway.url}/v1/jobs`, 'GET', undefined, headers);
      expect(answer.status, JSON.stringify(answer.body)).toBe(401);
      expect(answer.body.error.code).toBe('UNAUTHENTICATED');
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('leaves probes, metrics, the API description, docs and the console open', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs/', '/', '/console.js']) {
      const answer = await call(`${gateway.url}${path}`, 'GET', undefined, { authorization: '' });
      expect(answer.status, path).toBe(200);
    }
  });

  it('sends helmet security headers with a CSP that allows only its own scripts', async () => {
    const answer = await call(`${gateway.url}/`, 'GET', undefined, { authorization: '' });
    expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('lets an admin key promote and open bull-board; a client key gets 403 FORBIDDEN', async () => {
    const client = await storedKey('CLIENT');
    const promote = await call(`${gateway.url}/v1/models/1/promote`, 'POST', undefined, as(client.key));
    expect(promote.status).toBe(403);
    expect(promote.body.error.code).toBe('FORBIDDEN');
    const admin = await storedKey('ADMIN');
    // Past authorization to the registry itself: no version 1 exists in this database.
    expect((await call(`${gateway.url}/v1/models/1/promote`, 'POST', undefined, as(admin.key))).status).toBe(
      404,
    );
    expect((await call(`${gateway.url}/admin/queues`, 'GET', undefined, as(client.key))).status).toBe(403);
    // A browser is asked for Basic credentials there, and opens bull-board with the admin key as the password.
    const challenge = await call(`${gateway.url}/admin/queues`, 'GET', undefined, { authorization: '' });
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toContain('Basic');
    const basic = `Basic ${Buffer.from(`anyone:${TEST_ADMIN_KEY}`).toString('base64')}`;
    expect(
      (await call(`${gateway.url}/admin/queues`, 'GET', undefined, { authorization: basic })).status,
    ).toBe(200);
  });

  it('shows a client only its own jobs; an admin sees and cancels any', async () => {
    const [alice, bob] = [await storedKey('CLIENT'), await storedKey('CLIENT')];
    const submitted = await submit(alice);
    expect(submitted.status).toBe(202);
    const id = submitted.body.job_id as string;
    expect((await services.database.db.job.findUniqueOrThrow({ where: { id } })).apiKeyId).toBe(alice.id);

    expect((await call(`${gateway.url}/v1/jobs/${id}`, 'GET', undefined, as(alice.key))).status).toBe(200);
    // Another client's job is answered as a missing one: its id is not confirmed to exist.
    const foreign = await call(`${gateway.url}/v1/jobs/${id}`, 'GET', undefined, as(bob.key));
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    expect((await call(`${gateway.url}/v1/jobs/${id}/cancel`, 'POST', undefined, as(bob.key))).status).toBe(
      404,
    );

    const listed = async (key: string) =>
      (
        (await call(`${gateway.url}/v1/jobs`, 'GET', undefined, as(key))).body.items as { job_id: string }[]
      ).map((job) => job.job_id);
    expect(await listed(alice.key)).toEqual([id]);
    expect(await listed(bob.key)).toEqual([]);
    expect(await listed(TEST_ADMIN_KEY)).toContain(id);
    const cancelled = await call(`${gateway.url}/v1/jobs/${id}/cancel`, 'POST');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
  });

  it('refuses a key once it is revoked, and records when a key was last used', async () => {
    const client = await storedKey('CLIENT');
    expect((await call(`${gateway.url}/v1/models`, 'GET', undefined, as(client.key))).status).toBe(200);
    await expect
      .poll(async () => (await keys.list()).find((k) => k.id === client.id)?.lastUsedAt)
      .toBeTruthy();
    expect(await keys.revoke(client.id)).toBe(true);
    expect((await call(`${gateway.url}/v1/models`, 'GET', undefined, as(client.key))).status).toBe(401);
  });

  it('answers 429 RATE_LIMITED with Retry-After once a key is over its limit', async () => {
    const limited = await startGateway(services, { rateLimitPerMinute: 3 });
    try {
      const client = await storedKey('CLIENT');
      const answers = [];
      for (let i = 0; i < 8; i++) {
        answers.push(await call(`${limited.url}/v1/models`, 'GET', undefined, as(client.key)));
      }
      // A minute boundary mid-test only restarts the count: the first three pass, and a 429 comes within eight.
      expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
      const refused = answers.find((a) => a.status === 429);
      expect(refused?.body.error.code).toBe('RATE_LIMITED');
      expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another key has a window of its own.
      expect((await call(`${limited.url}/v1/models`, 'GET')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('limits unknown keys per client address before MySQL is asked; a known key from there still works', async () => {
    const limited = await startGateway(services, { unknownKeysPerMinute: 5, trustProxyHops: 1 });
    // The MySQL lookups, as the gateway exports them.
    const lookups = async (outcome: string) => {
      const text = (await call(`${limited.url}/metrics`, 'GET', undefined, { authorization: '' }))
        .body as string;
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`shelfwise_api_key_lookups_total{outcome="${outcome}"}`));
      return Number(line?.split(' ').at(-1) ?? 0);
    };
    const from = (address: string, key: string) =>
      call(`${limited.url}/v1/models`, 'GET', undefined, { ...as(key), 'x-forwarded-for': address });
    const randomKey = () => `sw_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    try {
      const client = await storedKey('CLIENT');
      expect((await from('203.0.113.7', client.key)).status).toBe(200);
      const answers = [];
      for (let i = 0; i < 30; i++) answers.push(await from('203.0.113.7', randomKey()));
      expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
      const refused = answers.find((a) => a.status === 429);
      expect(refused?.body.error.code).toBe('RATE_LIMITED');
      expect(refused?.body.error.message).toMatch(/unknown API keys per minute from this address/);
      expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
      // At most the limit per window (a minute boundary mid-test opens a second one), not one per request.
      const looked = await lookups('unknown');
      expect(looked).toBeLessThanOrEqual(10);
      expect(await lookups('refused')).toBe(30 - looked);
      // The key this gateway has seen valid skips the address's limit (and is still looked up, so a revoke counts).
      expect((await from('203.0.113.7', client.key)).status).toBe(200);
      // Another address has a window of its own.
      expect((await from('198.51.100.9', randomKey())).status).toBe(401);
      // One key repeated is looked up once: MySQL's "unknown" is remembered for a few seconds.
      const repeated = randomKey();
      const before = await lookups('unknown');
      for (let i = 0; i < 20; i++) expect((await from('192.0.2.1', repeated)).status).toBe(401);
      expect(await lookups('unknown')).toBe(before + 1);
      expect(await lookups('cached')).toBe(19);
    } finally {
      await limited.close();
    }
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: a client cannot pick a fresh address per request', async () => {
    const limited = await startGateway(services, { unknownKeysPerMinute: 2 });
    try {
      const statuses = [];
      for (let i = 0; i < 8; i++) {
        const headers = { ...as(`sw_nope${i}_nope`), 'x-forwarded-for': `198.51.100.${i}` };
        statuses.push((await call(`${limited.url}/v1/models`, 'GET', undefined, headers)).status);
      }
      expect(statuses).toContain(429);
    } finally {
      await limited.close();
    }
  });

  it('refuses an S3 input outside S3_ALLOWED_PREFIXES with 400', async () => {
    const { inference } = services.s3.buckets;
    const narrowed = await startGateway(services, { s3AllowedPrefixes: [`${inference}/allowed/`] });
    try {
      const answer = await call(`${narrowed.url}/v1/predict/csv`, 'POST', { input_file_s3: input });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details[0].path).toBe('input_file_s3');
      const inside = `s3://${inference}/allowed/products.csv`;
      await services.s3.store.upload(inside, 'product_description\nmilk\n');
      expect((await call(`${narrowed.url}/v1/predict/csv`, 'POST', { input_file_s3: inside })).status).toBe(
        202,
      );
    } finally {
      await narrowed.close();
    }
  });
});
