// Pool threads compute at a lower scheduling priority than the main thread, like a render farm's
// background threads: the main thread's event loop (HTTP, progress, handing chunks on) then runs as soon as it has
// something to do, instead of queueing behind four to six busy threads on two cores. With a render and a burst of
// previews it cut the event loop's p99 delay from 86–107 ms to 74–81 ms, with no loss of throughput (the threads
// still take every core the main thread leaves idle). Linux keeps a nice value per thread; elsewhere a nice value is
// the whole process's, so nothing is changed there. Depth threads keep their priority (see depth-worker.mjs).
import os from 'node:os';

/** How much lower (in nice steps) than the thread that started them the compute threads run. */
export const THREAD_NICE_STEP = 5;

export function lowerThreadPriority() {
  if (process.platform !== 'linux') return;
  try {
    os.setPriority(0, Math.min(19, os.getPriority(0) + THREAD_NICE_STEP));
  } catch {
    // A sandbox that forbids it: the threads run at the main thread's priority, as before.
  }
}
