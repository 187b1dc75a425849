/**
 * The videos the editor can use: the user's uploads (`<dataDir>/uploads`) and read-only sample clips. Requests
 * name media by file name only; this is the one place a name becomes a path.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AneloError, isAneloError } from '../../../nodes/core/errors.ts';
import type { MediaEntry } from '../../../nodes/core/api-types.ts';
import type { MediaService, ProbeResult } from '../../../nodes/core/types.ts';
import { analysisView } from '../../../nodes/lib/sdr-view.ts';
import { checkFileName, resolveInside, sanitiseUploadName } from './safe-names.ts';
import { ensureDir } from '../../fs/ensure-dir.ts';
import { tempPathFor, trackTemp } from '../../fs/temp-files.ts';

export type { MediaEntry } from '../../../nodes/core/api-types.ts';

function entry(name: string, sample: boolean, p: ProbeResult): MediaEntry {
  const hdr = analysisView(p.colour);
  return {
    name,
    sample,
    sizeBytes: p.sizeBytes,
    width: p.displayWidth,
    height: p.displayHeight,
    fps: p.fps,
    frameCount: p.frameCount,
    durationS: p.durationS,
    hasAudio: p.audio.length > 0,
    ...(p.sampleAspect ? { sampleAspect: p.sampleAspect } : {}),
    ...(hdr ? { hdr } : {}),
  };
}

async function visibleFiles(dir: string | null): Promise<string[]> {
  if (!dir) return [];
  try {
    const names = await fs.readdir(dir, { withFileTypes: true });
    return names.filter((d) => d.isFile() && !d.name.startsWith('.')).map((d) => d.name).sort((a, b) => a.localeCompare(b));
  } catch {
    return [];
  }
}

export class MediaLibrary {
  constructor(
    readonly uploadsDir: string,
    readonly samplesDir: string | null,
    private readonly media: MediaService,
  ) {}

  /** Uploads, then samples; files that are not readable videos are left out. */
  async list(): Promise<MediaEntry[]> {
    const out: MediaEntry[] = [];
    const uploads = await visibleFiles(this.uploadsDir);
    for (const [names, dir, sample] of [[uploads, this.uploadsDir, false], [await visibleFiles(this.samplesDir), this.samplesDir, true]] as const) {
      for (const name of names) {
        if (sample && uploads.includes(name)) continue;
        try {
          out.push(entry(name, sample, await this.media.probe(path.join(dir!, name))));
        } catch {
          // not a video (or vanished): not listed
        }
      }
    }
    return out;
  }

  /** Absolute path of a media name (uploads shadow samples); 404 E070 when there is none. */
  async resolve(name: string): Promise<{ path: string; sample: boolean }> {
    checkFileName(name);
    const upload = resolveInside(this.uploadsDir, name);
    if (await isFile(upload)) return { path: upload, sample: false };
    if (this.samplesDir) {
      const sample = resolveInside(this.samplesDir, name);
      if (await isFile(sample)) return { path: sample, sample: true };
    }
    throw new AneloError('ANELO_E070_MEDIA_NOT_FOUND', `no media named "${name}"`, { param: 'input' });
  }

  /**
   * Streams an upload to a hidden temp file, probes it, and only then gives it its (sanitised, unique) name.
   * Anything that is not a video, or is cut short by the size limit, is deleted. `restOfRequest` (when given) reads
   * what follows the file in the request once the file is on disk; if it throws, nothing is kept.
   */
  async add(originalName: string | undefined, stream: Readable & { truncated?: boolean }, limitBytes: number, restOfRequest?: () => Promise<void>): Promise<MediaEntry> {
    await ensureDir(this.uploadsDir);
    // Named for this process, so a start after kill -9 can sweep it (temp-files.ts).
    const temp = tempPathFor(path.join(this.uploadsDir, 'upload'));
    const untrack = trackTemp(temp);
    try {
      try {
        await pipeline(stream, createWriteStream(temp, { flags: 'wx' }));
      } catch (e) {
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(limitBytes);
        throw e;
      }
      if (stream.truncated) throw tooLarge(limitBytes);
      await restOfRequest?.();
      try {
        await this.media.probe(temp);
      } catch (e) {
        if (isAneloError(e) && e.code === 'ANELO_E011_NOT_A_VIDEO') {
          throw new AneloError('ANELO_E011_NOT_A_VIDEO', `"${originalName ?? 'upload'}" is not a readable video`, { param: 'file' });
        }
        // Refused formats and sizes: same reason, told about the user's file rather than the temp file.
        if (isAneloError(e)) throw new AneloError(e.code, e.message.split(temp).join(`"${originalName ?? 'upload'}"`), { param: 'file' }, e.details);
        throw e;
      }
      const name = await this.placeUnique(temp, sanitiseUploadName(originalName));
      return entry(name, false, await this.media.probe(path.join(this.uploadsDir, name)));
    } finally {
      await fs.rm(temp, { force: true });
      untrack();
    }
  }

  async remove(name: string): Promise<void> {
    const found = await this.resolve(name);
    if (found.sample) throw new AneloError('ANELO_E073_MEDIA_READ_ONLY', `"${name}" is a sample clip and cannot be deleted`, { param: 'name' });
    await fs.rm(found.path, { force: true });
  }

  /** Hard-links the temp file to a free name (never overwriting, also not a sample's name); the caller removes the temp. */
  private async placeUnique(temp: string, wanted: string): Promise<string> {
    const ext = path.extname(wanted);
    const stem = wanted.slice(0, wanted.length - ext.length);
    for (let i = 1; i < 10_000; i++) {
      const name = i === 1 ? wanted : `${stem}-${i}${ext}`;
      if (this.samplesDir && (await isFile(path.join(this.samplesDir, name)))) continue;
      try {
        await fs.link(temp, resolveInside(this.uploadsDir, name));
        return name;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    throw new AneloError('ANELO_E072_MEDIA_NAME', `no free name for "${wanted}"`, { param: 'file' });
  }
}

function tooLarge(limitBytes: number): AneloError {
  return new AneloError('ANELO_E071_MEDIA_TOO_LARGE', `upload exceeds the limit of ${Math.round(limitBytes / 2 ** 20)} MB (set ANELO_UPLOAD_LIMIT_MB to change it)`, { param: 'file' });
}

const isFile = (file: string): Promise<boolean> => fs.stat(file).then((s) => s.isFile(), () => false);
