// Piscina loads this file in each worker thread: the bundled tasks when the pool was given a bundle (see
// thread-bundle.ts), else tsx and the TypeScript sources. A test's own node definitions (.ts) register tsx on demand.
import { workerData } from 'node:worker_threads';
import { lowerThreadPriority } from './thread-priority.mjs';

lowerThreadPriority();

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

/** The module to import for `definitionsModule`: the bundle's copy of the shipped nodes, or a test's own file. */
async function definitionsUrl(definitionsModule) {
  if (bundle && definitionsModule === bundle.nodesSource) return bundle.nodes;
  if (definitionsModule.endsWith('.ts')) await useTsx();
  return definitionsModule;
}

export async function runNode(task) {
  task.definitionsModule = await definitionsUrl(task.definitionsModule);
  return tasks.runNode(task);
}
export async function ready(definitionsModule) {
  return tasks.loadDefinitions(await definitionsUrl(definitionsModule));
}
export const digestChunk = tasks.digestChunk;
export const previewRgb = tasks.renderPreviewRgb;
