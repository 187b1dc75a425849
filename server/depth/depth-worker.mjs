// Piscina loads this file in the depth thread: register tsx there too, then hand over to the TypeScript task.
import { register } from 'tsx/esm/api';

register();
const tasks = await import('./depth-tasks.ts');

export const infer = tasks.infer;
