/**
 * Binary form of a chunk: what the cache stores and what its digest is taken over. Depth is stored as float16
 * (values are already rounded to float16 precision when computed, so this is lossless).
 */
import { createHash, type Hash } from 'node:crypto';
import type { Chunk, DepthChunk, DepthStats, FramesChunk, StreamInfo } from '../../nodes/core/types.ts';
import { decodeFloat16, encodeFloat16, withFloat16 } from '../../nodes/lib/float16.ts';

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

/** The two pieces every encoded chunk starts with: magic, type and header length, then the JSON header. */
function headerPieces(chunk: Chunk): [Uint8Array, Uint8Array] {
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
  return [pre, head];
}

/** A depth frame as stored: its float16 encoding, as bytes. */
function float16Bytes(f: Float32Array): Uint8Array {
  const h = encodeFloat16(f);
  return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
}

/** chunkParts one piece at a time: a depth frame is encoded to float16 only when its turn comes. */
function* chunkPieces(chunk: Chunk): Generator<Uint8Array> {
  yield* headerPieces(chunk);
  if (chunk.type === 'frames') yield* chunk.frames;
  else if (chunk.type === 'depth') for (const f of chunk.frames) yield float16Bytes(f);
  else {
    yield chunk.flags;
    yield new Uint8Array(chunk.scores.buffer, chunk.scores.byteOffset, chunk.scores.byteLength);
  }
}

/** Bytes of a stored chunk that say what it holds (magic, type code): enough for evictionRank. */
export const CHUNK_HEAD_BYTES = 8;

/**
 * Which stored chunks the disk tier lets go first (lower first; least recently used first within a rank): decoded
 * frames (0), then depth, flow and cuts (1), and anything that is not a chunk (1). Frames are the cheapest bytes to
 * have again: in a 1080p render ffmpeg decoded them for ~24 ms of CPU per 6.2 MB frame (4 ms per MB), where FastDepth
 * took ~28 ms per 0.2 MB of depth (140 ms per MB; bigger models far more). A decoded chunk is 31 times a depth chunk's
 * bytes at 1080p, so by age alone a long render's frames pushed its depth out of the budget and a retune ran the
 * model again.
 */
export function evictionRank(head: Uint8Array): number {
  if (head.length < CHUNK_HEAD_BYTES) return 1;
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  return b.readUInt32LE(0) === MAGIC && b.readUInt32LE(4) === TYPE_CODE.frames ? 0 : 1;
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

// --- digests ---------------------------------------------------------------------------------------------------
//
// A chunk's digest is a hash of hashes: sha256 over a tag, the encoded header and the sha256 of each stored piece (a
// frame's bytes, a depth frame's float16 encoding; a cut list's flags and scores). Each frame is hashed on its own,
// so it can be hashed where it is made, while its bytes are at hand: a pool thread hashes the frames it computed,
// the decoder the frames it copies out of ffmpeg's pipe. The main thread then only hashes the 32-byte frame hashes,
// and no chunk's readers wait for a digest task queued behind whole chunks of pixel work (about 1 s at each stage of
// a 1080p run, see NodePool.digest).

/** Changes whenever what a digest covers changes; part of every cache key, so no entry keyed by another is read. */
export const DIGEST_FORMAT = 2;
const DIGEST_TAG = Buffer.from('anelo chunk digest 2\0');

/** Frame hashes already known on this thread, by frame object (frames are never changed once made). */
const frameHashes = new WeakMap<object, Uint8Array>();

function hashPiece(piece: Uint8Array): Uint8Array {
  return createHash('sha256').update(piece).digest();
}

/** A frame's hash as stored (its bytes; a depth frame's float16 encoding), computed once per frame object. */
function frameHash(chunk: FramesChunk | DepthChunk, f: Uint8Array | Float32Array): Uint8Array {
  let h = frameHashes.get(f);
  if (!h) {
    h = chunk.type === 'depth' ? withFloat16(f as Float32Array, hashPiece) : hashPiece(f as Uint8Array);
    frameHashes.set(f, h);
  }
  return h;
}

/** Records a frame's hash computed elsewhere (a pool thread, the decoder as it copied the frame's bytes). */
export function noteFrameHash(frame: Uint8Array | Float32Array, hash: Uint8Array): void {
  frameHashes.set(frame, hash);
}

/** The hashes of a chunk's frames, 32 bytes each, in order (empty for a cut list), computing those not known. */
export function hashFrames(chunk: Chunk): Uint8Array {
  if (chunk.type === 'cuts') return new Uint8Array(0);
  const out = new Uint8Array(32 * chunk.frames.length);
  chunk.frames.forEach((f, i) => out.set(frameHash(chunk, f), 32 * i));
  return out;
}

/** Records the frame hashes hashFrames gave for this chunk (on another thread, for the same frames). */
export function noteFrameHashes(chunk: Chunk, hashes: Uint8Array): void {
  if (chunk.type === 'cuts' || hashes.length !== 32 * chunk.frames.length) return;
  chunk.frames.forEach((f, i) => frameHashes.set(f, hashes.subarray(32 * i, 32 * (i + 1))));
}

/** Bytes a digest of this chunk would still have to hash: frames whose hashes are not known here. */
export function unhashedBytes(chunk: Chunk): number {
  if (chunk.type === 'cuts') return chunk.flags.byteLength + chunk.scores.byteLength;
  let n = 0;
  for (const f of chunk.frames) if (!frameHashes.has(f)) n += f.byteLength;
  return n;
}

function digestHead(chunk: Chunk): Hash {
  const h = createHash('sha256').update(DIGEST_TAG);
  for (const p of headerPieces(chunk)) h.update(p);
  return h;
}

/** The content digest of a chunk (see above): equal for equal chunks, however and wherever their frames were hashed. */
export function chunkDigest(chunk: Chunk): string {
  const h = digestHead(chunk);
  if (chunk.type === 'cuts') {
    h.update(hashPiece(chunk.flags));
    h.update(hashPiece(new Uint8Array(chunk.scores.buffer, chunk.scores.byteOffset, chunk.scores.byteLength)));
  } else for (const f of chunk.frames) h.update(frameHash(chunk, f));
  return h.digest('hex');
}

/**
 * chunkDigest, giving the event loop back between frames once `sliceBytes` have been hashed: a chunk of big frames
 * (16 at 720p are 44 MB, ~30 ms of sha256) never holds the loop for more than about a frame's worth. For frames no
 * thread has hashed yet in runs without a pool (`--workers 0`); with one, those are hashed there (NodePool.digest).
 */
export async function chunkDigestSliced(chunk: Chunk, sliceBytes = 2 ** 20): Promise<string> {
  if (chunk.type === 'cuts') return chunkDigest(chunk);
  const h = digestHead(chunk);
  let since = 0;
  for (const f of chunk.frames) {
    if (!frameHashes.has(f)) since += f.byteLength;
    h.update(frameHash(chunk, f));
    if (since >= sliceBytes) {
      since = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return h.digest('hex');
}

/**
 * The digest of the chunk encodeChunk wrote as `bytes`, from the bytes (how the disk tier checks a blob it reads);
 * throws on anything malformed.
 */
export function encodedDigest(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 || buf.readUInt32LE(0) !== MAGIC) throw new Error('not a chunk');
  const headLen = buf.readUInt32LE(8);
  const header = JSON.parse(buf.subarray(12, 12 + headLen).toString('utf8')) as Header;
  const h = createHash('sha256').update(DIGEST_TAG).update(buf.subarray(0, 12 + headLen));
  let off = 12 + headLen;
  const piece = (n: number): void => {
    if (off + n > buf.length) throw new Error('chunk truncated');
    h.update(hashPiece(buf.subarray(off, off + n)));
    off += n;
  };
  const { type, count, width, height } = header;
  if (type === 'cuts') {
    piece(count);
    piece(count * 4);
  } else for (let i = 0; i < count; i++) piece(width * height * (type === 'depth' ? 2 : 3));
  if (off !== buf.length) throw new Error('chunk has trailing bytes');
  return h.digest('hex');
}

/** Approximate in-memory size of a decoded chunk, for the memory budget. */
/**
 * The fewest bytes (as chunkBytes counts them) a chunk of `frames` frames of this stream can take: RGB24 frames,
 * float32 depth. Cuts chunks are small; they count as none.
 */
export function leastChunkBytes(info: Pick<StreamInfo, 'type' | 'width' | 'height'>, frames: number): number {
  if (info.type === 'cuts') return 0;
  return 64 + frames * info.width * info.height * (info.type === 'frames' ? 3 : 4);
}

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
