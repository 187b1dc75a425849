/**
 * `anelo worker --preload <model>`: a worker is a long-lived service, so before it takes a job it does what a cold
 * process does in its first segment — starts the depth threads and loads the model's sessions, starts the pool
 * threads with the node code loaded and compiled — by rendering a few synthetic frames through the default graph's
 * chain with that model (renderWarmUp, on a cache of its own: a worker restarted on the same cache folder found the
 * warm-up's results there and loaded nothing). Measured on bikes-cuts with FastDepth and two workers on two cores: a
 * cold worker's first segment ran at 0.3–0.7 s a frame, a warm one's at about 0.1 s.
 */
import { AneloError, isAneloError } from '../../nodes/core/errors.ts';
import type { Executor } from '../engine/executor.ts';
import { renderWarmUp } from '../engine/warm-up-pool.ts';

/** Renders the synthetic frames once per model through `executor`; a model that cannot be loaded fails here, naming the option. */
export async function warmUp(executor: Executor, models: readonly string[]): Promise<{ ms: number }> {
  const t0 = performance.now();
  for (const model of models) {
    try {
      await renderWarmUp(executor, model);
    } catch (e) {
      if (!isAneloError(e)) throw e;
      // The warm-up graph's node ids mean nothing to the user: the option is where the fault is.
      throw new AneloError(e.code, `--preload ${model}: ${e.message}`, { param: 'preload', file: e.where.file }, e.details, e);
    }
  }
  return { ms: Math.round(performance.now() - t0) };
}
