/** Chunks whose pixel buffers live in SharedArrayBuffers: posted to a worker thread, they are shared, not copied. */
import type { Chunk } from '../../../nodes/core/types.ts';

function isShared(v: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && v.buffer instanceof SharedArrayBuffer;
}

function sharedCopy<T extends Uint8Array | Float32Array>(v: T): T {
  if (isShared(v)) return v;
  const Ctor = v.constructor as { new (b: SharedArrayBuffer): T };
  const out = new Ctor(new SharedArrayBuffer(v.byteLength));
  (out as Uint8Array).set(v as Uint8Array);
  return out;
}

/**
 * Moves a chunk's frame buffers into shared memory, in place: the cached chunk object keeps working for every
 * reader, and each later post to a worker is free. Only the first post of a main-thread chunk pays one copy.
 */
export function toShared<C extends Chunk>(chunk: C): C {
  if (chunk.type === 'cuts') return chunk;
  const frames = chunk.frames as (Uint8Array | Float32Array)[];
  for (let i = 0; i < frames.length; i++) frames[i] = sharedCopy(frames[i]);
  return chunk;
}
