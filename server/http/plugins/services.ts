/**
 * Everything routes share, created once per server: one executor over one chunk cache (so runs and previews reuse
 * each other's work), the media services, the model store, and the stores for presets, media, outputs and runs.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ModelStore } from '../../depth/model-store.ts';
import { ChunkCache } from '../../engine/chunk-cache.ts';
import { Executor } from '../../engine/executor.ts';
import { warmUpPool } from '../../engine/warm-up-pool.ts';
import { sweepTemps } from '../../fs/temp-files.ts';
import { createServices, type LocalServices } from '../../services.ts';
import { EventHub } from '../lib/event-hub.ts';
import { publicError } from '../lib/public-error.ts';
import { MediaLibrary } from '../lib/media-library.ts';
import { ModelPulls } from '../lib/model-pulls.ts';
import { OutputFiles } from '../lib/output-files.ts';
import { PresetStore } from '../lib/preset-store.ts';
import { checkRedis, parseRedisUrl } from '../../cluster/connect-redis.ts';
import { RunQueue } from '../runs/run-queue.ts';
import type { ServerOptions } from '../server-options.ts';

declare module 'fastify' {
  interface FastifyInstance {
    aneloOptions: ServerOptions;
    services: LocalServices;
    executor: Executor;
    models: ModelStore;
    modelPulls: ModelPulls;
    presets: PresetStore;
    mediaLibrary: MediaLibrary;
    outputFiles: OutputFiles;
    runs: RunQueue;
    eventHub: EventHub;
  }
}

async function services(app: FastifyInstance, opts: ServerOptions): Promise<void> {
  // A cluster that cannot be reached is an error at start (ANELO_E140), not at the first render.
  if (opts.redis) await checkRedis(parseRedisUrl(opts.redis));
  // What a killed server left behind (output partials, upload and preset temps) goes before anything new starts.
  for (const sub of ['outputs', 'uploads', 'presets']) {
    const removed = await sweepTemps(path.join(opts.dataDir, sub));
    if (removed.length) app.log.info({ folder: sub, removed }, 'removed temp files left by an earlier run');
  }
  const local = await createServices();
  const cache = new ChunkCache({
    diskDir: opts.cacheDir,
    memoryBudgetBytes: opts.memoryBudgetBytes,
    onWarning: (w) => app.log.warn({ file: w.file }, w.message),
  });
  // The editor's pool threads stay until the server closes: after 15 s without a preview (a pause while scrubbing)
  // the next one paid new threads and code not yet optimised again: a 720p warp preview after 17 s idle took
  // 1.9–2.2 s, 1.3–1.6 s with the threads kept (two runs each, alternating).
  const executor = new Executor({ services: local, cache, keepThreads: true });
  // The first preview would otherwise start the threads and run each node's code before V8 has optimised it.
  const warming = new AbortController();
  if (opts.warmUp) {
    app.addHook('onReady', async () => {
      warmUpPool(executor, warming.signal).then(
        ({ ms }) => app.log.info({ ms }, 'worker threads started and warmed up'),
        (e: Error) => warming.signal.aborted || app.log.warn({ err: e }, `warming up the worker threads failed (the first previews will be slower): ${e.message}`),
      );
    });
  }
  const hub = new EventHub();
  const outputs = new OutputFiles(path.join(opts.dataDir, 'outputs'));
  const models = opts.modelStore ?? new ModelStore();
  const runs = new RunQueue(executor, outputs, hub, undefined, opts.redis ? { redis: opts.redis, services: local, cache } : undefined);
  const pulls = new ModelPulls(models, hub);

  app.decorate('aneloOptions', opts);
  app.decorate('services', local);
  app.decorate('executor', executor);
  app.decorate('models', models);
  app.decorate('modelPulls', pulls);
  app.decorate('presets', new PresetStore(opts.builtInGraphsDir, path.join(opts.dataDir, 'presets')));
  app.decorate('mediaLibrary', new MediaLibrary(path.join(opts.dataDir, 'uploads'), opts.sampleMediaDir, local.media));
  app.decorate('outputFiles', outputs);
  app.decorate('runs', runs);
  app.decorate('eventHub', hub);

  // Models loading for inference, as the editor shows them on the depth node and in the preview while it waits.
  // (Counted: two nodes may load the same model with different thread settings, two sessions.)
  const loading = new Map<string, number>();
  const unwatchLoads = local.depth.onModelLoad?.((load) => {
    const n = (loading.get(load.model) ?? 0) + (load.state === 'loading' ? 1 : -1);
    if (n > 0) loading.set(load.model, n);
    else loading.delete(load.model);
    // As every error a client sees: server paths cut to file names.
    hub.broadcast({ kind: 'model-load', load: load.state === 'failed' ? { ...load, error: publicError(load.error) } : load });
    if (load.state === 'ready') app.log.info({ model: load.model, ms: load.ms }, 'depth model loaded');
    else if (load.state === 'failed') app.log.warn({ model: load.model, code: load.error.code }, `depth model failed to load: ${load.error.message}`);
  });
  const ungreet = hub.greet(() => [...loading].flatMap(([model, n]) => Array.from({ length: n }, () => ({ kind: 'model-load' as const, load: { model, state: 'loading' as const } }))));

  // After each run, temps of other anelo processes that died meanwhile (a CLI killed writing into these folders) go too.
  const unsubscribe = hub.subscribe((m) => {
    if (m.kind === 'run-state' && ['done', 'error', 'cancelled'].includes(m.run.state)) {
      for (const sub of ['outputs', 'uploads', 'presets']) void sweepTemps(path.join(opts.dataDir, sub));
    }
  });

  app.addHook('onClose', async () => {
    unsubscribe();
    unwatchLoads?.();
    ungreet();
    warming.abort();
    pulls.close();
    await runs.close();
    await local.close();
    await executor.close();
  });
}

export default fp(services, { name: 'anelo-services' });
