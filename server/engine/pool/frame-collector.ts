/**
 * A SharedArrayBuffer's memory is freed only when every thread that saw it has collected its handle, and a thread
 * that only hashes, warps or runs inference allocates too little on its own heap for V8 to collect often: a handle it
 * no longer uses keeps a frame alive until it does. With only the pool's threads collecting (since they held 1.1 GB
 * after a minute of 640x360), the same minute of the default graph still peaked at 1.7–4.9 GB of RSS in 5 of 8 runs
 * (1.0 GB in the others): the main thread once held 830 MB of decoded frames until a collection at 77 s, and with the
 * main thread collecting too, 2 of 6 runs still grew to 1.6 GB outside every thread's own array buffers (most likely
 * the depth threads' handles to decoded frames, the one kind of thread left not collecting). With every thread that
 * is handed frames collecting: 955–1028 MB in 13 of 13.
 *
 * So each such thread counts the bytes of frames it is handed or makes, and collects once it has seen `everyBytes`
 * since its last collection. It collects before the new frames are counted: at the start of its next task, when the
 * earlier tasks' frames are no longer referenced (pool threads park in Atomics.wait between tasks, so nothing
 * scheduled for "later" would run there).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const collectNow = vm.runInNewContext('gc') as () => void;

export interface FrameCollector {
  /** Frames of `bytes` were just handed to (or made by) this thread: collects first if enough came before them. */
  saw(bytes: number): void;
  /** Collections made so far (tests, diagnostics). */
  readonly collections: number;
}

export function frameCollector(everyBytes: number): FrameCollector {
  let seen = 0;
  let collections = 0;
  return {
    saw(bytes: number): void {
      if (seen >= everyBytes) {
        seen = 0;
        collections++;
        collectNow();
      }
      seen += bytes;
    },
    get collections() {
      return collections;
    },
  };
}

/** Bytes of a list of frames (a depth task's; chunks are counted with chunk-codec's chunkBytes). */
export function framesBytes(frames: readonly { byteLength: number }[]): number {
  let n = 0;
  for (const f of frames) n += f.byteLength;
  return n;
}
