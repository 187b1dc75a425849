/**
 * `anelo worker --redis redis://host:port [--workers N] [--cache-dir dir] [--preload model]…`: renders cluster
 * segments until stopped.
 */
import { parseArgs } from 'node:util';
import { AneloError } from '../../nodes/core/errors.ts';
import { startClusterWorker } from '../cluster/cluster-worker.ts';

export async function workerCommand(args: string[], defaultCacheDir: string): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      redis: { type: 'string' },
      workers: { type: 'string', default: '1' },
      'cache-dir': { type: 'string' },
      preload: { type: 'string', multiple: true },
      quiet: { type: 'boolean', short: 'q' },
      verbose: { type: 'boolean' },
    },
  });
  if (!values.redis) throw new AneloError('ANELO_E050_BAD_ARGUMENT', 'anelo worker needs --redis redis://host:port', {});
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new AneloError('ANELO_E050_BAD_ARGUMENT', `--workers must be a whole number ≥ 1, got "${values.workers}"`, {});
  // Tests and impatient set-ups shorten how long a dead worker's segment waits before it is retried.
  const lockMs = process.env.ANELO_CLUSTER_LOCK_MS ? Number(process.env.ANELO_CLUSTER_LOCK_MS) : undefined;
  const log = (line: string): void => {
    if (!values.quiet) process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
  const worker = await startClusterWorker({ redis: values.redis, workers, cacheDir: values['cache-dir'] ?? defaultCacheDir, lockMs, preload: values.preload, onLog: log });
  log(`worker ${worker.name} ready (${workers} at once) on ${values.redis}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log('stopping: segments running here go back to the queue for other workers once their lock lapses');
  await worker.close();
  // Aborted encoders and decoders may still hold handles for a moment; nothing is left to finish here.
  setTimeout(() => process.exit(0), 500).unref();
  return 0;
}
