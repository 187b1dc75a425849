/**
 * Resumable HTTP(S) download into `<dest>.part`, verified by sha256 before an atomic rename into place.
 * A network failure keeps the `.part` (the next try resumes with a Range request); a checksum mismatch
 * deletes it, so a bad download never leaves anything that could pass for the model.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { once } from 'node:events';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AneloError, toAneloError } from '../../nodes/core/errors.ts';
import { hashFile } from './file-hash-cache.ts';

export interface DownloadProgress {
  receivedBytes: number;
  /** Null when the server does not say. */
  totalBytes: number | null;
  resumedFrom: number;
}

export interface DownloadOptions {
  sha256: string;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}

/** Thrown for transport failures (no route, refused, HTTP error, cut connection); the caller words the user message. */
export class DownloadTransportError extends Error {}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/** Downloads `url` to `dest`; resolves with the verified sha256. */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions): Promise<string> {
  const part = `${dest}.part`;
  let start = await sizeOf(part);
  let res: Response;
  try {
    res = await fetch(url, { headers: start > 0 ? { Range: `bytes=${start}-` } : {}, signal: opts.signal, redirect: 'follow' });
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new DownloadTransportError(cause?.code ?? cause?.message ?? (e as Error).message);
  }
  if (res.status === 416 && start > 0) {
    // The .part already holds every byte; fall through to verification.
    await res.body?.cancel();
  } else if (res.ok) {
    // 200 means the server ignored the Range header: start over rather than append a second copy.
    const append = res.status === 206 && start > 0;
    if (!append) start = 0;
    const len = Number(res.headers.get('content-length'));
    const total = Number.isFinite(len) && len > 0 ? len + start : null;
    let received = start;
    const body = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
    const out = createWriteStream(part, { flags: append ? 'a' : 'w' });
    // A write that fails (a full disk) is thrown at the next chunk, or by the drain or finish being waited for.
    let writeError: Error | undefined;
    out.on('error', (e) => (writeError ??= e));
    try {
      for await (const c of body as AsyncIterable<Buffer>) {
        received += c.length;
        opts.onProgress?.({ receivedBytes: received, totalBytes: total, resumedFrom: start });
        if (writeError) throw writeError;
        if (!out.write(c)) await once(out, 'drain');
      }
      await finished(out.end());
    } catch (e) {
      // Every byte received goes to the .part before giving up (a pipeline destroyed the file stream with what it
      // still buffered), so the next pull resumes from all of it.
      await finished(out.end()).catch(() => {});
      if (opts.signal?.aborted) throw e;
      // The file, not the connection, failed: say so, naming it (a full disk is E090).
      if (writeError) {
        const coded = toAneloError(writeError, { param: 'model', file: part });
        throw coded.code !== 'ANELO_E099_INTERNAL' ? coded : new AneloError('ANELO_E021_OUTPUT_NOT_WRITABLE', `cannot write ${part}: ${writeError.message}`, { param: 'model', file: part }, undefined, writeError);
      }
      throw new DownloadTransportError(`connection lost after ${received} bytes (${(e as Error).message}); the partial file is kept and the next pull resumes`);
    }
  } else {
    await res.body?.cancel();
    throw new DownloadTransportError(`HTTP ${res.status} ${res.statusText}`);
  }
  const actual = await hashFile(part);
  if (actual !== opts.sha256) {
    await rm(part, { force: true });
    throw new AneloError(
      'ANELO_E043_MODEL_CHECKSUM',
      `Downloaded ${url} has sha256 ${actual}, expected ${opts.sha256}; the download was deleted`,
      { file: dest },
    );
  }
  await rename(part, dest);
  return actual;
}
