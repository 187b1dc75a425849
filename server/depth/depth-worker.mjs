// Piscina loads this file in the depth thread: the bundled task when the service was given a bundle (see
// thread-bundle.ts), else tsx and the TypeScript sources.
import { workerData } from 'node:worker_threads';
// Not lowered in priority like the pool's threads (pool/thread-priority.mjs): exiting terminates a depth thread
// still inside onnxruntime's run, which aborts the process, so an exit waits (2 s at most) for the running batch;
// at nice +5 beside other busy processes that batch overran the wait (CI, hardening.test.ts).

async function load(bundle) {
  if (bundle) {
    try {
      return await import(bundle.depthTasks);
    } catch {
      // Gone since the pool started (pruned after a day, when the sources changed): the sources still serve.
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('./depth-tasks.ts');
}

const tasks = await load(workerData?.bundle);

export const infer = tasks.infer;
export const prepare = tasks.prepare;
