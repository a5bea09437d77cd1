import type { PoolConfig } from 'mariadb';

/**
 * Turns a `mysql://user:pass@host:port/db` URL into pool settings. Timeouts are short on purpose:
 * when MySQL is down, readiness checks and requests must fail in seconds, not hang.
 */
export function connectionOptions(
  url: string,
  overrides: Partial<PoolConfig> = {},
): PoolConfig & { database: string } {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new Error('the database URL names no database (expected mysql://user@host:3306/name)');
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username) || 'root',
    password: decodeURIComponent(parsed.password),
    database,
    connectionLimit: Number(parsed.searchParams.get('connection_limit') ?? 10),
    connectTimeout: 2_000,
    acquireTimeout: 3_000,
    ...overrides,
  };
}
