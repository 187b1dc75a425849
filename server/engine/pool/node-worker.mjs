// Piscina loads this file in each worker thread: the bundled tasks when the pool was given a bundle (see
// thread-bundle.ts), else tsx and the TypeScript sources. A test's own node definitions (.ts) register tsx on demand.
import { workerData } from 'node:worker_threads';

let tsx = false;
async function useTsx() {
  if (tsx) return;
  const { register } = await import('tsx/esm/api');
  register();
  tsx = true;
}

async function load(b) {
  if (b) {
    try {
      return { tasks: await import(b.nodeTasks), bundle: b };
    } catch {
      // Gone since the pool started (pruned after a day, when the sources changed): the sources still serve.
    }
  }
  await useTsx();
  return { tasks: await import('./node-tasks.ts'), bundle: undefined };
}

const { tasks, bundle } = await load(workerData?.bundle);

export async function runNode(task) {
  if (bundle && task.definitionsModule === bundle.nodesSource) task.definitionsModule = bundle.nodes;
  else if (task.definitionsModule.endsWith('.ts')) await useTsx();
  return tasks.runNode(task);
}
export const digestChunk = tasks.digestChunk;
export const previewRgb = tasks.renderPreviewRgb;
