// Piscina loads this file in each worker thread: the bundled tasks when the pool was given a bundle (see
// thread-bundle.ts), else tsx and the TypeScript sources. A test's own node definitions (.ts) register tsx on demand.
import { workerData } from 'node:worker_threads';

const bundle = workerData?.bundle;
let tsx = false;
async function useTsx() {
  if (tsx) return;
  const { register } = await import('tsx/esm/api');
  register();
  tsx = true;
}

if (!bundle) await useTsx();
const tasks = await import(bundle ? bundle.nodeTasks : './node-tasks.ts');

export async function runNode(task) {
  if (bundle && task.definitionsModule === bundle.nodesSource) task.definitionsModule = bundle.nodes;
  else if (task.definitionsModule.endsWith('.ts')) await useTsx();
  return tasks.runNode(task);
}
export const digestChunk = tasks.digestChunk;
export const previewPng = tasks.renderPreviewPng;
