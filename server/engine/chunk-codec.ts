/**
 * Binary form of a chunk: what the cache stores and what its digest is taken over. Depth is stored as float16
 * (values are already rounded to float16 precision when computed, so this is lossless).
 */
import { createHash } from 'node:crypto';
import type { Chunk, DepthStats } from '../../nodes/core/types.ts';
import { decodeFloat16, encodeFloat16 } from '../../nodes/lib/float16.ts';
import { sha256 } from './hash.ts';

const MAGIC = 0x414e4c31; // "ANL1"
const TYPE_CODE = { frames: 1, depth: 2, cuts: 3 } as const;

interface Header {
  type: Chunk['type'];
  start: number;
  count: number;
  width: number;
  height: number;
  stats?: DepthStats[];
}

/** Serialises a chunk; the bytes are deterministic for equal chunks. */
export function encodeChunk(chunk: Chunk): Buffer {
  return Buffer.concat(chunkParts(chunk));
}

/**
 * The serialised chunk as consecutive pieces (header, then frame buffers as they are): hashing and writing pieces
 * saves copying every frame of every chunk into one buffer.
 */
export function chunkParts(chunk: Chunk): Uint8Array[] {
  return [...chunkPieces(chunk)];
}

/** chunkParts one piece at a time: a depth frame is encoded to float16 only when its turn comes. */
function* chunkPieces(chunk: Chunk): Generator<Uint8Array> {
  const count = chunk.type === 'cuts' ? chunk.flags.length : chunk.frames.length;
  const header: Header = {
    type: chunk.type,
    start: chunk.start,
    count,
    width: chunk.type === 'cuts' ? 0 : chunk.width,
    height: chunk.type === 'cuts' ? 0 : chunk.height,
    stats: chunk.type === 'depth' ? chunk.stats : undefined,
  };
  const head = Buffer.from(JSON.stringify(header));
  const pre = Buffer.alloc(12);
  pre.writeUInt32LE(MAGIC, 0);
  pre.writeUInt32LE(TYPE_CODE[chunk.type], 4);
  pre.writeUInt32LE(head.length, 8);
  yield pre;
  yield head;
  if (chunk.type === 'frames') yield* chunk.frames;
  else if (chunk.type === 'depth') {
    for (const f of chunk.frames) {
      const h = encodeFloat16(f);
      yield new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
    }
  } else {
    yield chunk.flags;
    yield new Uint8Array(chunk.scores.buffer, chunk.scores.byteOffset, chunk.scores.byteLength);
  }
}

/** Parses bytes made by encodeChunk; throws on anything malformed. */
export function decodeChunk(bytes: Uint8Array): Chunk {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 || buf.readUInt32LE(0) !== MAGIC) throw new Error('not a chunk');
  const headLen = buf.readUInt32LE(8);
  const header = JSON.parse(buf.subarray(12, 12 + headLen).toString('utf8')) as Header;
  let off = 12 + headLen;
  const take = (n: number): Uint8Array => {
    if (off + n > buf.length) throw new Error('chunk truncated');
    // Copy so the chunk does not pin the whole read buffer and is aligned for typed-array views.
    const out = new Uint8Array(n);
    out.set(buf.subarray(off, off + n));
    off += n;
    return out;
  };
  const { type, start, count, width, height } = header;
  let chunk: Chunk;
  if (type === 'frames') {
    const frames: Uint8Array[] = [];
    for (let i = 0; i < count; i++) frames.push(take(width * height * 3));
    chunk = { type, start, width, height, frames };
  } else if (type === 'depth') {
    const frames: Float32Array[] = [];
    for (let i = 0; i < count; i++) {
      const raw = take(width * height * 2);
      frames.push(decodeFloat16(new Uint16Array(raw.buffer, 0, width * height)));
    }
    chunk = { type, start, width, height, frames, stats: header.stats ?? [] };
  } else {
    const flags = take(count);
    const scores = new Float32Array(take(count * 4).buffer);
    chunk = { type: 'cuts', start, flags, scores };
  }
  if (off !== buf.length) throw new Error('chunk has trailing bytes');
  return chunk;
}

/** Content digest of a chunk: sha256 of its encoded bytes, given whole or as the pieces of chunkParts. */
export function chunkDigest(encoded: Uint8Array | readonly Uint8Array[]): string {
  return encoded instanceof Uint8Array ? sha256(encoded) : sha256(...encoded);
}

/**
 * chunkDigest of a chunk hashed a piece at a time, giving the event loop back between pieces once `sliceBytes` have
 * been hashed: a chunk of big frames (16 at 720p are 44 MB, ~30 ms of sha256) never holds the loop for more than
 * about a frame's worth. For runs without a pool (`--workers 0`); with one, big chunks are hashed there (see
 * NodePool.digest).
 */
export async function chunkDigestSliced(chunk: Chunk, sliceBytes = 2 ** 20): Promise<string> {
  const h = createHash('sha256');
  let since = 0;
  for (const piece of chunkPieces(chunk)) {
    h.update(piece);
    since += piece.byteLength;
    if (since >= sliceBytes) {
      since = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return h.digest('hex');
}

/** Approximate in-memory size of a decoded chunk, for the memory budget. */
export function chunkBytes(chunk: Chunk): number {
  if (chunk.type === 'cuts') return chunk.flags.length * 5 + 64;
  let n = 64;
  for (const f of chunk.frames) n += f.byteLength;
  return n;
}

/** The frames [from, to) of a chunk as a new chunk that shares the frame buffers. */
export function sliceChunk(chunk: Chunk, from: number, to: number): Chunk {
  const a = from - chunk.start;
  const b = to - chunk.start;
  if (chunk.type === 'cuts') return { ...chunk, start: from, flags: chunk.flags.subarray(a, b), scores: chunk.scores.subarray(a, b) };
  if (chunk.type === 'depth') return { ...chunk, start: from, frames: chunk.frames.slice(a, b), stats: chunk.stats.slice(a, b) };
  return { ...chunk, start: from, frames: chunk.frames.slice(a, b) };
}

/** Joins consecutive chunks of one stream into one chunk. */
export function concatChunks(chunks: Chunk[]): Chunk {
  if (chunks.length === 1) return chunks[0];
  const first = chunks[0];
  if (first.type === 'cuts') {
    const all = chunks as Extract<Chunk, { type: 'cuts' }>[];
    const n = all.reduce((s, c) => s + c.flags.length, 0);
    const flags = new Uint8Array(n);
    const scores = new Float32Array(n);
    let o = 0;
    for (const c of all) {
      flags.set(c.flags, o);
      scores.set(c.scores, o);
      o += c.flags.length;
    }
    return { type: 'cuts', start: first.start, flags, scores };
  }
  if (first.type === 'depth') {
    const all = chunks as Extract<Chunk, { type: 'depth' }>[];
    return { ...first, frames: all.flatMap((c) => c.frames), stats: all.flatMap((c) => c.stats) };
  }
  const all = chunks as Extract<Chunk, { type: 'frames' }>[];
  return { ...first, frames: all.flatMap((c) => c.frames) };
}
