/**
 * Raw frames from ffmpeg. A run reads chunks in order, so readers stay open and continue where the last chunk
 * ended instead of seeking again; a jump (a preview far away) starts a new reader with an accurate seek. Chunks are
 * often asked for before the one before them has finished (an encoder reading ahead, a preview's pieces): such a
 * read waits for that reader rather than starting a second decoder, which would decode again from the last
 * keyframe (6 decoders for 144 frames of a default-graph run before).
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { AneloError } from '../../nodes/core/errors.ts';
import type { ReadFramesOptions, VideoStopsDetails } from '../../nodes/core/types.ts';
import { noteFrameHash } from '../engine/chunk-codec.ts';
import { buildDecodeArgs } from './ffmpeg-args.ts';
import { startDecoder, type FfmpegProcess } from './fluent-ffmpeg-driver.ts';

interface OpenReader {
  key: string;
  file: string;
  next: number;
  /** Decoder error lines ffmpeg printed so far (damaged data it concealed or skipped). */
  decodeErrors: number;
  proc: FfmpegProcess & { stream: Readable };
  frames: AsyncGenerator<Uint8Array>;
  idle?: NodeJS.Timeout;
  ended: boolean;
  /** The last frames it gave out (up to RECENT_BYTES), frames [next − recent.length, next). */
  recent: Uint8Array[];
}

/** A read in progress (or waiting for its reader): where it will leave its reader, and who continues from there. */
interface Claim {
  key: string;
  until: number;
  /** A read waiting to continue from `until`, handed the reader instead of seeking with a decoder of its own. */
  successor?: (r: OpenReader | undefined) => void;
}

const IDLE_MS = 5_000;
/** How long a read waits for the read before it to hand over its reader; after that it seeks with its own. */
const HANDOVER_WAIT_MS = 30_000;

/** ffmpeg's words for damage it concealed or skipped while decoding (h264, hevc, mpeg4, generic demux errors). */
const DECODE_ERROR = /error while decoding|concealing \d+|corrupt (decoded )?(frame|input|packet)|Invalid NAL|decode_slice_header error|no frame!|Invalid data found|missing picture|illegal|Error splitting|top block unavailable|left block unavailable|out of range intra|mb_type .* in . slice too large|cabac decode .* failed/i;
const MAX_READERS = 4;
/**
 * Frames a reader keeps after giving them out, so a read starting a little before where it stands (the next preview
 * of a scrub, whose window begins before the last one's ended) continues it instead of seeking: 32 MiB, 12 frames of
 * 720p. They are mostly frames the chunks just read still hold anyway.
 */
const RECENT_BYTES = 32 * 2 ** 20;

/**
 * Cuts ffmpeg's raw RGB24 stream into frames, copying each piece once, straight into a frame that lives in a
 * SharedArrayBuffer: pool threads and the depth thread then read decoded frames without another copy. Each piece is
 * hashed as it is copied, so a decoded chunk's digest needs no pass over its frames (see chunk-codec.ts).
 */
async function* splitFrames(stream: Readable, frameBytes: number): AsyncGenerator<Uint8Array> {
  let frame = new Uint8Array(new SharedArrayBuffer(frameBytes));
  let hash = createHash('sha256');
  let filled = 0;
  for await (const piece of stream as AsyncIterable<Buffer>) {
    let at = 0;
    while (at < piece.length) {
      const n = Math.min(frameBytes - filled, piece.length - at);
      const part = piece.subarray(at, at + n);
      frame.set(part, filled);
      hash.update(part);
      filled += n;
      at += n;
      if (filled === frameBytes) {
        noteFrameHash(frame, hash.digest());
        yield frame;
        frame = new Uint8Array(new SharedArrayBuffer(frameBytes));
        hash = createHash('sha256');
        filled = 0;
      }
    }
  }
}

/**
 * Where a decoder for frame `startFrame` seeks. Indexed files: half a frame before it, so ffmpeg's exact seek keeps
 * that frame whatever the rounding of the start time, and the frame grid starts on it. Files without an index
 * (`preRollS` > 0): up to `preRollS` earlier, on the frame grid, with `preRoll` frames to drop: the seek lands
 * anywhere in a group of pictures and nothing decodes before the next keyframe, which must come before the frame.
 */
export function seekPlan(o: Pick<ReadFramesOptions, 'startTime' | 'startFrame' | 'fps' | 'preRollS'>): { seekS: number; preRoll: number } {
  const target = o.startTime + o.startFrame / o.fps;
  if (!(target > 0)) return { seekS: 0, preRoll: 0 };
  if (!o.preRollS) return { seekS: Math.max(0, target - 0.5 / o.fps), preRoll: 0 };
  const preRoll = Math.max(0, Math.min(Math.round(o.preRollS * o.fps), Math.floor(target * o.fps + 1e-6)));
  return { seekS: Math.max(0, target - preRoll / o.fps), preRoll };
}

/**
 * A read that found no frame at all where the header counted some: the video stops at `endsAt` (where a reader met
 * its end) or somewhere before `frame` (a seek past its end). Most often a download or copy that did not finish: the
 * header still lists every frame.
 */
function shortVideoMessage(file: string, frame: number, endsAt: number | undefined): string {
  const where = endsAt !== undefined ? `its video stops at frame ${endsAt}` : 'its video stops before that frame';
  return `${file} has no frame ${frame}: ${where}, though the file's header says it goes on. The file is probably cut short (a download or copy that did not finish).`;
}

/** Where videos were found to stop: kept for this many read keys, the latest. */
const MAX_ENDS = 256;

/** A file's size and modification time: where one version of a file stops says nothing of the next. */
function fileVersion(file: string): string | undefined {
  try {
    const st = statSync(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

export class FrameReaderPool {
  private readonly readers: OpenReader[] = [];
  private readonly claims = new Set<Claim>();
  /** Per read key (file and frame grid), the frame a reader found its video to stop at, in that version of the file. */
  private readonly ends = new Map<string, { at: number; version: string | undefined }>();
  /** Decoders started so far (each a seek): for tests and diagnostics. */
  decodersStarted = 0;

  /**
   * Yields exactly `frameCount` frames, repeating the last one if the file ends early (ffprobe counts can be off by one).
   * `settle` gives what only the file's probe knows (whether it really deinterlaces, its seek pre-roll): awaited
   * after the read has claimed its place, so the claim is made at the first `next()` with nothing awaited before it.
   */
  async *read(file: string, o: ReadFramesOptions, settle?: Promise<Pick<ReadFramesOptions, 'deinterlace' | 'preRollS'>>): AsyncGenerator<Uint8Array> {
    // Keyed by the deinterlace asked for: for one file the probe turns it into the same answer every time.
    const key = JSON.stringify([file, o.fps, o.width, o.height, o.startTime, Boolean(o.deinterlace)]);
    // Claimed before anything is awaited, so reads asked for together chain up in the order they were asked for.
    const parked = this.take(key, o.startFrame, Math.max(1, Math.round(o.fps / 2)));
    const before = parked ? undefined : [...this.claims].find((c) => c.key === key && c.until === o.startFrame && !c.successor);
    const claim: Claim = { key, until: o.startFrame + o.frameCount };
    this.claims.add(claim);
    // Its place as the successor too, before the probe's answer is awaited: a read ending meanwhile hands its reader
    // on instead of parking it where this read, asking later, would wait for a handover that never comes.
    const handover = before ? this.handedOverBy(before, o.signal) : undefined;
    let handoverTaken = false;
    let reader: OpenReader | undefined = parked;
    let failed = false;
    let errorsBefore = 0;
    let last: Uint8Array | undefined;
    let shortEnd: { endsAt: number; repeated: number } | undefined;
    // A cancel while ffmpeg produces nothing (a stalled read) must not wait for the next frame: stop the reader.
    const onAbort = (): void => void (reader && this.close(reader));
    try {
      if (settle) o = { ...o, ...(await settle) };
      if (handover) {
        handoverTaken = true;
        reader = await handover;
      }
      if (o.signal?.aborted) throw new AneloError('ANELO_E030_CANCELLED', 'decode cancelled', { file });
      o.signal?.addEventListener('abort', onAbort, { once: true });
      if (reader && reader.next < o.startFrame && !(await this.skipTo(reader, o.startFrame))) {
        this.close(reader);
        reader = undefined;
      }
      if (o.signal?.aborted) throw new AneloError('ANELO_E030_CANCELLED', 'decode cancelled', { file });
      reader ??= this.open(key, file, o);
      const r0 = reader;
      errorsBefore = r0.decodeErrors;
      const keep = Math.max(1, Math.floor(RECENT_BYTES / (o.width * o.height * 3)));
      for (let i = 0; i < o.frameCount; i++) {
        if (o.signal?.aborted) throw new AneloError('ANELO_E030_CANCELLED', 'decode cancelled', { file });
        const f = o.startFrame + i;
        if (f < r0.next) {
          last = r0.recent[r0.recent.length - (r0.next - f)];
          yield last;
          continue;
        }
        const r = r0.ended ? { done: true as const, value: undefined } : await r0.frames.next();
        if (r.done) {
          if (!r0.ended) this.ended(r0);
          if (!last) {
            await r0.proc.done.catch((e: Error) => {
              throw new AneloError('ANELO_E012_DECODE_FAILED', `decoding ${file} failed at frame ${f}: ${e.message}`, { file, frame: f });
            });
            const endsAt = this.knownEnd(key, file, f);
            throw new AneloError('ANELO_E012_DECODE_FAILED', shortVideoMessage(file, f, endsAt), { file, frame: f }, { videoEndsAt: endsAt } satisfies VideoStopsDetails);
          }
          if (!shortEnd) shortEnd = { endsAt: f, repeated: 0 };
          shortEnd.repeated++;
          yield last;
          continue;
        }
        last = r.value;
        r0.next++;
        r0.recent.push(r.value);
        if (r0.recent.length > keep) r0.recent.shift();
        yield r.value;
      }
    } catch (e) {
      failed = true;
      // Stopping the reader on a cancel breaks the stream it was waiting on: the caller hears the cancel, not that.
      if (o.signal?.aborted && !(e instanceof AneloError && e.code === 'ANELO_E030_CANCELLED')) throw new AneloError('ANELO_E030_CANCELLED', 'decode cancelled', { file }, undefined, e);
      throw e;
    } finally {
      // Failed before taking the reader handed to it (the probe failed): the reader still serves a later read.
      if (handover && !handoverTaken) void handover.then((r) => r && this.park(r));
      o.signal?.removeEventListener('abort', onAbort);
      this.claims.delete(claim);
      if (reader) o.onDecodeErrors?.(reader.decodeErrors - errorsBefore);
      if (shortEnd && !failed) o.onShortEnd?.(shortEnd.endsAt, shortEnd.repeated);
      const stopped = failed || Boolean(o.signal?.aborted);
      // A consumer that stops early leaves the reader positioned correctly: keep it for the next chunk.
      const usable = reader && !stopped && !reader.ended && reader.next === claim.until ? reader : undefined;
      if (reader && stopped) this.close(reader);
      const handed = claim.successor ? usable : undefined;
      claim.successor?.(usable);
      // Not handed on (no one waits, or the read ended before where its reader stands): kept for a later read.
      if (reader && !stopped && reader !== handed) this.park(reader);
    }
  }

  /** The reader the read holding `claim` leaves, once it finishes (undefined if it cannot continue from there). */
  private handedOverBy(claim: Claim, signal?: AbortSignal): Promise<OpenReader | undefined> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (got: OpenReader | undefined): void => {
        if (settled) {
          // Given up on (cancelled or waited too long) before the reader came: it can still serve a later read.
          if (got) this.park(got);
          return;
        }
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(got);
      };
      const onAbort = (): void => settle(undefined);
      const timer = setTimeout(() => settle(undefined), HANDOVER_WAIT_MS);
      timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
      claim.successor = settle;
    });
  }

  /** Drops frames until the reader's next frame is `frame`; false when the stream ends first. */
  private async skipTo(r: OpenReader, frame: number): Promise<boolean> {
    while (r.next < frame) {
      const got = await r.frames.next();
      if (got.done) {
        this.ended(r);
        return false;
      }
      r.next++;
      // Still [next − recent.length, next): one in, one out.
      r.recent.push(got.value);
      if (r.recent.length > 1) r.recent.shift();
    }
    return true;
  }

  /** Where a reader found this version of the file to stop, if that is at or before `frame` (else nothing known). */
  private knownEnd(key: string, file: string, frame: number): number | undefined {
    const end = this.ends.get(key);
    return end && end.at <= frame && end.version === fileVersion(file) ? end.at : undefined;
  }

  /**
   * A reader met the end of its video. One that gave out frames knows exactly where the video stops on its frame
   * grid (frame `next`): kept, so a later read past it can say so. One that seeked past the end knows nothing.
   */
  private ended(r: OpenReader): void {
    r.ended = true;
    if (r.recent.length === 0) return;
    this.ends.delete(r.key);
    this.ends.set(r.key, { at: r.next, version: fileVersion(r.file) });
    // A few numbers per file read to its end; a server reading thousands of files keeps the latest.
    if (this.ends.size > MAX_ENDS) this.ends.delete(this.ends.keys().next().value!);
  }

  closeAll(): void {
    for (const r of [...this.readers]) this.close(r);
  }

  /**
   * A parked reader that can serve a read from `next`: one positioned there, one that still keeps frame `next`
   * among its recent frames, or one up to `maxSkip` frames before it (it decodes and drops the frames between). A
   * preview a little further on (a scrub) then continues the decoder instead of seeking, which decodes again from
   * the keyframe before the frame: for a clip with one keyframe, every frame from the first. Dropping half a
   * second of frames (converted and piped before they are dropped) costs about what starting a decoder does.
   */
  private take(key: string, next: number, maxSkip: number): OpenReader | undefined {
    const i = this.readers.findIndex((r) => r.key === key && r.next - r.recent.length <= next && next - r.next <= maxSkip && !r.ended);
    if (i < 0) return undefined;
    const [r] = this.readers.splice(i, 1);
    clearTimeout(r.idle);
    return r;
  }

  private open(key: string, file: string, o: ReadFramesOptions): OpenReader {
    this.decodersStarted++;
    const { seekS, preRoll } = seekPlan(o);
    // A pre-rolled decoder starts `preRoll` frames early; ffmpeg drops them before scaling, so its first frame out is
    // the one asked for.
    const preRolled = Boolean(o.preRollS);
    const { inputOptions, outputOptions } = buildDecodeArgs({ input: file, seekS, fps: o.fps, width: o.width, height: o.height, deinterlace: o.deinterlace, preRoll: preRolled ? { dropFrames: preRoll } : undefined });
    const reader: OpenReader = { key, file, next: o.startFrame, decodeErrors: 0, proc: undefined!, frames: undefined!, ended: false, recent: [] };
    // Where a pre-rolled seek lands, frames up to the next keyframe cannot decode, and ffmpeg says so: that is no
    // damage, and it all comes before the first frame out.
    let counting = !preRolled;
    reader.proc = startDecoder(file, inputOptions, outputOptions, (line) => {
      if (counting && DECODE_ERROR.test(line)) reader.decodeErrors++;
    });
    const frames = splitFrames(reader.proc.stream, o.width * o.height * 3);
    reader.frames = !preRolled
      ? frames
      : (async function* () {
          for await (const f of frames) {
            counting = true;
            yield f;
          }
        })();
    return reader;
  }

  private park(r: OpenReader): void {
    if (r.ended) return this.close(r);
    this.readers.push(r);
    while (this.readers.length > MAX_READERS) this.close(this.readers[0]);
    r.idle = setTimeout(() => this.close(r), IDLE_MS);
    r.idle.unref();
  }

  private close(r: OpenReader): void {
    clearTimeout(r.idle);
    const i = this.readers.indexOf(r);
    if (i >= 0) this.readers.splice(i, 1);
    r.proc.kill();
    r.proc.stream.destroy();
  }
}
