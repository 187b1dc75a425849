/** The MediaService nodes use: probing (memoised by fingerprint), fingerprints, frame reading and encoding. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AneloError } from '../../nodes/core/errors.ts';
import type { MediaService, ProbeResult } from '../../nodes/core/types.ts';
import { openEncoder } from './encoder.ts';
import { FrameReaderPool } from './frame-reader.ts';
import { probeMedia } from './probe.ts';
import { prestartBroker } from './spawn-broker.ts';

export interface LocalMediaService extends MediaService {
  /** Stops every open decoder (call when a process or server shuts down). */
  close(): void;
}

export function createMediaService(): LocalMediaService {
  const readers = new FrameReaderPool();
  const probes = new Map<string, Promise<ProbeResult>>();

  const fingerprint = async (file: string): Promise<string> => {
    const abs = path.resolve(file);
    try {
      const st = await fs.stat(abs);
      return `${abs}|${st.size}|${Math.round(st.mtimeMs)}`;
    } catch {
      throw new AneloError('ANELO_E010_INPUT_MISSING', `input file not found: ${abs}`, { file: abs });
    }
  };

  const probe = (file: string): Promise<ProbeResult> =>
    fingerprint(file).then((fp) => {
      let p = probes.get(fp);
      if (!p) {
        // Frames of the file are usually read next: the helper that starts decoders gets going meanwhile.
        prestartBroker();
        p = probeMedia(file);
        probes.set(fp, p);
        p.catch(() => probes.delete(fp));
      }
      return p;
    });

  return {
    fingerprint,
    probe,
    readFrames(file, opts) {
      const abs = path.resolve(file);
      // Deinterlace only what the file declares interlaced: progressive sources decode byte-identically. The probe
      // is awaited inside the read, after it has claimed its place among the file's reads (see FrameReaderPool.read).
      const settle = probe(abs).then((p) => ({ deinterlace: Boolean(opts.deinterlace && p.interlaced), preRollS: p.seekPreRollS ?? 0 }));
      settle.catch(() => undefined); // a read never started must not leave an unhandled rejection; a started one rethrows it
      return readers.read(abs, opts, settle);
    },
    openEncoder,
    close: () => readers.closeAll(),
  };
}
