// Starts bench/run-graph-child.ts with tsx registered on this thread, as bin/bench.mjs does. Started with
// `--import tsx` instead, every pool and depth thread of the child loaded tsx too (starting two pool threads took
// 0.97 s of CPU so, 0.30 s without), which no anelo command does. Usage: node bench/run-graph-child.mjs <request.json>
import { register } from 'tsx/esm/api';

register();
await import('./run-graph-child.ts');
