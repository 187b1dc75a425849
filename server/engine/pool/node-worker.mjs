// Piscina loads this file in each worker thread: register tsx there too, then hand over to the TypeScript tasks.
import { register } from 'tsx/esm/api';

register();
const tasks = await import('./node-tasks.ts');

export const runNode = tasks.runNode;
export const digestChunk = tasks.digestChunk;
export const previewPng = tasks.renderPreviewPng;
