/**
 * Run by depth-thread.test.ts in a process of its own: starts a batch on each depth thread, then does what a CLI
 * does on Ctrl-C pressed twice — the first stops the run (and the service starts to close), the second exits at once
 * (exitSoon) — and exits with 130. Exiting must wait for the batches inside onnxruntime's native run, even though
 * the service's close had already begun: a thread terminated there aborts the process ("terminate called"). Given a
 * wait shorter than a batch (argv[2], ms), the process must end by SIGINT instead, still without that abort.
 */
import { rmSync } from 'node:fs';
import { readRegistry } from '../../../server/depth/model-registry.ts';
import { ModelStore } from '../../../server/depth/model-store.ts';
import { ThreadedDepthService } from '../../../server/depth/depth-thread.ts';
import { exitSoon } from '../../../server/engine/pool/node-pool.ts';
import { gradientFrame, tempModelDir, writeSlowDepthModel } from '../../helpers/test-models.ts';

/** How long the exit waits for the running batches (exitSoon's default unless given). */
const waitMs = process.argv[2] ? Number(process.argv[2]) : undefined;
const dir = tempModelDir();
writeSlowDepthModel(dir);
const store = new ModelStore({ dirs: [dir], registry: readRegistry(), hashCacheFile: null });
const size = { w: 1600, h: 300 };
const frames = Array.from({ length: 4 }, (_, k) => gradientFrame(size.w, size.h, k * 10));
const service = new ThreadedDepthService({ store, cores: 2, threads: 2 });
// Both threads started with the session loaded, so the exit below lands during inference.
await Promise.all([service.infer({ model: 'test-slow' }, frames, size.w, size.h), service.infer({ model: 'test-slow' }, frames, size.w, size.h)]);
const t0 = performance.now();
await service.infer({ model: 'test-slow' }, frames, size.w, size.h);
const batchMs = performance.now() - t0;
const pending = [service.infer({ model: 'test-slow' }, frames, size.w, size.h), service.infer({ model: 'test-slow' }, frames, size.w, size.h)];
for (const p of pending) p.catch(() => undefined);
await new Promise((r) => setTimeout(r, Math.max(10, batchMs * 0.2)));
void service.close();
// An exit by SIGINT runs no 'exit' handler: the folder then goes with the test run's temp root (temp-root.ts).
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
exitSoon(130, waitMs);
