// Piscina loads this file in the depth thread: the bundled task when the service was given a bundle (see
// thread-bundle.ts), else tsx and the TypeScript sources.
import { workerData } from 'node:worker_threads';

const bundle = workerData?.bundle;
if (!bundle) {
  const { register } = await import('tsx/esm/api');
  register();
}
const tasks = await import(bundle ? bundle.depthTasks : './depth-tasks.ts');

export const infer = tasks.infer;
