/** Finished run outputs in `<dataDir>/outputs`: listed, resolved by name for download, deleted. Temp files stay hidden. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AneloError } from '../../../nodes/core/errors.ts';
import { stereoFileSuffix } from '../../media/ffmpeg-args.ts';
import type { StereoLayout } from '../../../nodes/core/types.ts';
import { checkFileName, resolveInside } from './safe-names.ts';
import { ensureDir } from '../../fs/ensure-dir.ts';

export interface OutputListing {
  name: string;
  sizeBytes: number;
  createdAt: string;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `yyyymmdd-hhmmss` in local time, as people read file names. */
export function fileTimestamp(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

export class OutputFiles {
  constructor(readonly dir: string) {}

  async list(): Promise<OutputListing[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    const out: OutputListing[] = [];
    for (const name of names) {
      if (name.startsWith('.')) continue; // encoders' temp files are hidden until renamed into place
      try {
        const st = await fs.stat(path.join(this.dir, name));
        if (st.isFile()) out.push({ name, sizeBytes: st.size, createdAt: st.mtime.toISOString() });
      } catch {
        // removed while listing
      }
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.name.localeCompare(b.name));
  }

  /** Absolute path of an existing output; 404 E070 when there is none. */
  async resolve(name: string): Promise<string> {
    const file = resolveInside(this.dir, checkFileName(name));
    const ok = await fs.stat(file).then((s) => s.isFile(), () => false);
    if (!ok) throw new AneloError('ANELO_E070_MEDIA_NOT_FOUND', `no output named "${name}"`, { param: 'name' });
    return file;
  }

  async remove(name: string): Promise<void> {
    await fs.rm(await this.resolve(name), { force: true });
  }

  /**
   * A free path for a new output: `<input-stem>-<nodeId>-<yyyymmdd-hhmmss><stereo suffix>.mp4`, numbered when taken.
   * `reserved` holds names handed out but not written yet.
   */
  async freshPath(inputName: string, nodeId: string, layout: StereoLayout | undefined, when: Date, reserved: Set<string>): Promise<string> {
    await ensureDir(this.dir);
    const stem = path.basename(inputName, path.extname(inputName)).replace(/[^A-Za-z0-9_()+-]+/g, '_').slice(0, 80) || 'output';
    const base = `${stem}-${nodeId}-${fileTimestamp(when)}`;
    for (let i = 1; ; i++) {
      const name = `${base}${i === 1 ? '' : `-${i}`}${stereoFileSuffix(layout)}.mp4`;
      const taken = reserved.has(name) || (await fs.stat(path.join(this.dir, name)).then(() => true, () => false));
      if (!taken) {
        reserved.add(name);
        return resolveInside(this.dir, name);
      }
    }
  }
}
