/** What every case gets: options, sizes, the model, one set of services, a temp folder and a progress log. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServices, type LocalServices } from '../../server/services.ts';
import { sharedPath } from '../../test/helpers/shared-data.ts';
import { primaryModel, type BenchModel } from './bench-models.ts';
import type { Overrides } from './graphs.ts';
import type { BenchOptions } from './options.ts';
import { sizesFor, type Sizes } from './sizes.ts';

export interface BenchContext {
  opts: BenchOptions;
  sizes: Sizes;
  model: BenchModel;
  services: LocalServices;
  tmpDir: string;
  log(msg: string): void;
  /** Absolute path of a shared clip. */
  media(name: string): string;
  /** The depth node's params every graph run uses: the bench model and the thread count. */
  depthParams(model?: BenchModel): { model: string; threads: number };
  /** decode (clip, frame range) + depth (model, threads) overrides for the default graph. */
  clipOverrides(clip?: string, frames?: number, model?: BenchModel): Overrides;
  /** Folders made for this run; removed at the end. */
  newDir(prefix: string): string;
  /** Work several cases need (the cold run of the clip): done once, by whichever case asks first. */
  memo<T>(key: string, make: () => Promise<T>): Promise<T>;
}

export async function createContext(opts: BenchOptions): Promise<BenchContext> {
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'anelo-bench-'));
  const sizes = sizesFor(opts.scale);
  const model = primaryModel(opts.scale);
  const services = await createServices();
  const t0 = performance.now();
  const memos = new Map<string, Promise<unknown>>();
  const ctx: BenchContext = {
    opts,
    sizes,
    model,
    services,
    tmpDir,
    log: (msg) => {
      if (opts.verbose) process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
    },
    media: (name) => sharedPath('media', name),
    depthParams: (m = model) => ({ model: m.model, threads: opts.threads }),
    clipOverrides: (clip = sizes.clip, frames = sizes.clipFrames, m = model) => ({
      decode: { path: sharedPath('media', clip), end: frames },
      depth: ctx.depthParams(m),
    }),
    newDir: (prefix) => mkdtempSync(path.join(tmpDir, `${prefix}-`)),
    memo: <T>(key: string, make: () => Promise<T>): Promise<T> => {
      let p = memos.get(key) as Promise<T> | undefined;
      if (!p) {
        p = make();
        memos.set(key, p);
        p.catch(() => memos.delete(key));
      }
      return p;
    },
  };
  return ctx;
}
