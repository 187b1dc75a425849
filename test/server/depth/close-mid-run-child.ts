/**
 * Run by depth-thread.test.ts in a process of its own (a crash here must not take the test runner down): round after
 * round, starts depth inference on both depth threads at once — one batch three times longer than the other, so
 * they end at different times — with a model that spends its time in onnxruntime's native run, closes the service
 * while both run, and prints what each inference and close gave. Printed last: {"rounds": […]}.
 */
import { rmSync } from 'node:fs';
import { readRegistry } from '../../../server/depth/model-registry.ts';
import { ModelStore } from '../../../server/depth/model-store.ts';
import { ThreadedDepthService } from '../../../server/depth/depth-thread.ts';
import { gradientFrame, tempModelDir, writeSlowDepthModel } from '../../helpers/test-models.ts';

const rounds = Number(process.argv[2] ?? 6);
const dir = tempModelDir();
writeSlowDepthModel(dir);
const store = new ModelStore({ dirs: [dir], registry: readRegistry(), hashCacheFile: null });
// The model's input keeps the aspect at a short side of 224: the wide frames make three times the pixels.
const short = { w: 800, h: 450 };
const wide = { w: 1600, h: 300 };
const framesOf = (s: { w: number; h: number }): Uint8Array[] => Array.from({ length: 4 }, (_, k) => gradientFrame(s.w, s.h, k * 10));
const [shortFrames, wideFrames] = [framesOf(short), framesOf(wide)];
const outcome = (p: Promise<{ frames: unknown[] }>): Promise<string> =>
  p.then(
    (r) => `${r.frames.length} frames`,
    (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`,
  );
const out: { inference: string[]; closeMs: number }[] = [];
for (let round = 0; round < rounds; round++) {
  const service = new ThreadedDepthService({ store, cores: 2, threads: 2 });
  // Both threads started with the session loaded: the close below lands during inference, not during start-up.
  await Promise.all([service.infer({ model: 'test-slow' }, shortFrames, short.w, short.h), service.infer({ model: 'test-slow' }, wideFrames, wide.w, wide.h)]);
  // How long a short batch takes now, threads warm: the close below comes 35–63 % of that after the batches are
  // asked for, while the short one still runs. A fixed 15–35 ms came before either batch had begun when a loaded
  // machine (a full test run on two cores) was slow to hand them to the threads, and no close met a running batch;
  // 15–35 % of the batch's time still did once in a full run.
  const t0 = performance.now();
  await service.infer({ model: 'test-slow' }, shortFrames, short.w, short.h);
  const shortMs = performance.now() - t0;
  const pending = [outcome(service.infer({ model: 'test-slow' }, shortFrames, short.w, short.h)), outcome(service.infer({ model: 'test-slow' }, wideFrames, wide.w, wide.h))];
  await new Promise((r) => setTimeout(r, Math.max(15, shortMs * (0.35 + ((round * 7) % 30) / 100))));
  const c0 = performance.now();
  await service.close();
  out.push({ inference: await Promise.all(pending), closeMs: Math.round(performance.now() - c0) });
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ rounds: out })}\n`);
