/**
 * Output frames allocated in shared memory. A node run on a pool thread hands its outputs to the main thread, which
 * hands them on to the next node's thread: frames already in a SharedArrayBuffer travel both ways without a copy,
 * where an ordinary buffer was copied into one on the way out (at 1080p 2.9 s of a 48-frame run's pool time went
 * to those copies, most of it the 12 MB side-by-side frames). Elsewhere they behave as ordinary typed arrays, and
 * where there is no SharedArrayBuffer (a browser page that is not cross-origin isolated) they are ordinary ones.
 */
const canShare = typeof SharedArrayBuffer === 'function';

export function sharedBytes(length: number): Uint8Array {
  return canShare ? new Uint8Array(new SharedArrayBuffer(length)) : new Uint8Array(length);
}

export function sharedFloats(length: number): Float32Array {
  return canShare ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length);
}
