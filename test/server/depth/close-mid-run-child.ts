/**
 * Run by depth-thread.test.ts in a process of its own (a crash here must not take the test runner down): round after
 * round, starts depth inference on a model that spends its time in onnxruntime's native run, closes the service at
 * a random moment of it, and prints what each inference and close gave. Printed last: {"rounds": […]}.
 */
import { readRegistry } from '../../../server/depth/model-registry.ts';
import { ModelStore } from '../../../server/depth/model-store.ts';
import { ThreadedDepthService } from '../../../server/depth/depth-thread.ts';
import { gradientFrame, tempModelDir, writeSlowDepthModel } from '../../helpers/test-models.ts';

const rounds = Number(process.argv[2] ?? 6);
const dir = tempModelDir();
writeSlowDepthModel(dir);
const store = new ModelStore({ dirs: [dir], registry: readRegistry(), hashCacheFile: null });
const [w, h] = [800, 450];
const frames = Array.from({ length: 16 }, (_, k) => gradientFrame(w, h, k * 10));
const out: { inference: string; closeMs: number }[] = [];
for (let round = 0; round < rounds; round++) {
  const service = new ThreadedDepthService({ store, cores: 2 });
  // Threads started and the session loaded: the close below lands during inference, not during start-up.
  await service.infer({ model: 'test-slow' }, frames.slice(0, 2), w, h);
  const pending = service.infer({ model: 'test-slow' }, frames, w, h).then(
    (r) => `${r.frames.length} frames`,
    (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`,
  );
  await new Promise((r) => setTimeout(r, 10 + ((round * 37) % 60)));
  const t0 = performance.now();
  await service.close();
  out.push({ inference: await pending, closeMs: Math.round(performance.now() - t0) });
}
process.stdout.write(`${JSON.stringify({ rounds: out })}\n`);
