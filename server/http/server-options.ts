/** What the server needs to know about its environment, resolved once from explicit options, env and defaults. */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelStore } from '../depth/model-store.ts';
import { isLoopbackHost } from './lib/host-rules.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServerOptions {
  host: string;
  port: number;
  /** Holds `presets/`, `uploads/` and `outputs/`. */
  dataDir: string;
  /** Read-only presets shipped with anelo (`graphs/*.json`). */
  builtInGraphsDir: string;
  /** Read-only sample clips listed beside uploads; null when there are none. */
  sampleMediaDir: string | null;
  uploadLimitBytes: number;
  /** The built editor (`dist/client`). */
  clientDir: string;
  /** Disk tier of the chunk cache; null keeps the cache in memory only. */
  cacheDir: string | null;
  /**
   * Memory tier budget: ANELO_CACHE_MEMORY_MB, else 512 MiB — more than a batch run's 128 MiB, because scrubbing
   * previews back and forth reuses recent chunks of every node.
   */
  memoryBudgetBytes: number;
  /** Pino logger level, or false for none. */
  logs: string | false;
  /**
   * Required on every request when set. A server bound beyond loopback always has one (ANELO_TOKEN, else random,
   * printed once at start): anyone on the network could otherwise read outputs and start runs.
   */
  accessToken?: string;
  /** At most this many previews computing at once; more get 503 E107 (the editor retries). */
  maxConcurrentPreviews: number;
  /** Injected model store (tests); default one over the project's model folders. */
  modelStore?: ModelStore;
  /** Redis of a render cluster (`anelo serve --redis`): runs that write files render on its `anelo worker`s. */
  redis?: string;
  /**
   * Start the worker threads and run the pixel nodes once on synthetic frames as the server starts, so the first
   * preview does not pay for them (warm-up-pool.ts). Default on; ANELO_WARM_UP=0 turns it off.
   */
  warmUp: boolean;
}

function envNumber(v: string | undefined): number | undefined {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) ? n : undefined;
}

/** Fills every option not given from the environment, then from defaults. Never binds 0.0.0.0 unless asked. */
export function resolveServerOptions(given: Partial<ServerOptions> = {}, env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const defaultSamples = path.resolve(REPO_ROOT, '..', 'shared', 'media');
  const samples = given.sampleMediaDir !== undefined ? given.sampleMediaDir : (env.ANELO_SAMPLE_MEDIA ?? (existsSync(defaultSamples) ? defaultSamples : null));
  const uploadMb = envNumber(env.ANELO_UPLOAD_LIMIT_MB);
  const host = given.host ?? env.ANELO_HOST ?? '127.0.0.1';
  const token = given.accessToken ?? (env.ANELO_TOKEN || undefined);
  return {
    host,
    accessToken: token ?? (isLoopbackHost(host) ? undefined : randomBytes(24).toString('hex')),
    maxConcurrentPreviews: given.maxConcurrentPreviews ?? 4,
    port: given.port ?? envNumber(env.ANELO_PORT) ?? 7878,
    dataDir: path.resolve(given.dataDir ?? env.ANELO_DATA_DIR ?? path.join(os.homedir(), '.local', 'share', 'anelo')),
    builtInGraphsDir: path.resolve(given.builtInGraphsDir ?? path.join(REPO_ROOT, 'graphs')),
    sampleMediaDir: samples ? path.resolve(samples) : null,
    uploadLimitBytes: given.uploadLimitBytes ?? (uploadMb !== undefined && uploadMb > 0 ? uploadMb : 4096) * 2 ** 20,
    clientDir: path.resolve(given.clientDir ?? env.ANELO_CLIENT_DIR ?? path.join(REPO_ROOT, 'dist', 'client')),
    cacheDir: given.cacheDir !== undefined ? given.cacheDir : (env.ANELO_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'anelo')),
    memoryBudgetBytes: given.memoryBudgetBytes ?? (envNumber(env.ANELO_CACHE_MEMORY_MB) ?? 512) * 2 ** 20,
    logs: given.logs ?? 'info',
    modelStore: given.modelStore,
    redis: given.redis,
    warmUp: given.warmUp ?? env.ANELO_WARM_UP !== '0',
  };
}

export { REPO_ROOT };
