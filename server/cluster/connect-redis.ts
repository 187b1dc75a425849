/**
 * Redis connections for cluster renders. The first connection is checked with a bounded timeout and no retries,
 * so an unreachable server is a clear error at once (not a hang, not a half-written render); the connections
 * BullMQ keeps afterwards retry forever, as its workers need.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { AneloError } from '../../nodes/core/errors.ts';

export interface RedisTarget {
  url: string;
  options: RedisOptions;
}

/** Parses redis://[user:pass@]host:port[/db] (rediss:// for TLS). */
export function parseRedisUrl(url: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AneloError('ANELO_E050_BAD_ARGUMENT', `"${url}" is not a Redis URL: expected redis://host:port`, {});
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new AneloError('ANELO_E050_BAD_ARGUMENT', `"${url}" is not a Redis URL: expected redis://host:port`, {});
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  const options: RedisOptions = {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db: Number.isInteger(db) ? db : 0,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
  return { url: `${u.protocol}//${options.host}:${options.port}`, options };
}

/** Opens and pings a connection within `timeoutMs`; throws ANELO_E140 naming the address when it cannot. */
export async function checkRedis(target: RedisTarget, timeoutMs = 3000): Promise<void> {
  const probe = new Redis({ ...target.options, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  probe.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([probe.connect().then(() => probe.ping()), timeout]);
  } catch (e) {
    throw new AneloError('ANELO_E140_REDIS_UNREACHABLE', `cannot reach Redis at ${target.url}: ${(e as Error).message.replace(/\.$/, '')}. Start redis-server there (see docs/cluster.md) or pass the right --cluster/--redis URL`, {}, undefined, e);
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
}

/** A connection for BullMQ (workers require maxRetriesPerRequest: null). */
export function bullConnection(target: RedisTarget): Redis {
  const r = new Redis({ ...target.options, maxRetriesPerRequest: null });
  r.on('error', () => {});
  return r;
}
