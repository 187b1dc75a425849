/**
 * Starts child processes from a small helper process (spawn-broker-process.mjs) instead of from anelo itself.
 *
 * Node starts a child with fork(), which copies the parent's page tables: 5 ms for an idle Node process, 25 ms per
 * 500 MB of memory on this project's VM, and 100–260 ms each for anelo during a render with previews (a gigabyte of
 * frames, chunks and thread heaps). The event loop waits for all of it, and a preview that seeks starts a decoder.
 * The helper is forked once (by the first decoder); each later start is the helper's own cheap fork, and the child's
 * stdout and stderr come back over the IPC channel as sockets anelo reads directly (no relay, no copy).
 *
 * The helper kills its children when anelo goes away; if the helper dies, every process it had started is reported
 * failed and the next start forks a new helper.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface BrokeredStart {
  pid: number;
  stdout: Socket;
  stderr: Socket;
}

export interface BrokeredProcess {
  /** Resolves once the process runs, with its pid and output streams; rejects if it could not be started. */
  started: Promise<BrokeredStart>;
  /** Resolves with how it ended (after `started`); rejects if the helper itself went away first. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

interface Entry {
  stdout?: Socket;
  stderr?: Socket;
  pid?: number;
  start: { resolve(s: BrokeredStart): void; reject(e: Error): void };
  exit: { resolve(r: { code: number | null; signal: NodeJS.Signals | null }): void; reject(e: Error): void };
}

const HELPER = fileURLToPath(new URL('./spawn-broker-process.mjs', import.meta.url));

let helper: ChildProcess | undefined;
let nextId = 1;
const entries = new Map<number, Entry>();

/** The channel keeps this process alive only while a process it started is running. */
function holdAlive(): void {
  const channel = helper?.channel as { ref?(): void; unref?(): void } | undefined;
  if (entries.size > 0) channel?.ref?.();
  else channel?.unref?.();
}

function startHelper(): ChildProcess {
  // A plain ES module: no loader flags (tsx, profilers) from this process's own command line.
  const child = fork(HELPER, [], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
  child.on('message', (m: { op: string; id: number; pid?: number; code?: number | null; signal?: NodeJS.Signals | null; message?: string }, handle?: Socket) => {
    const e = entries.get(m.id);
    if (!e) {
      handle?.destroy();
      return;
    }
    if (m.op === 'stdout') {
      e.stdout = handle;
      e.pid = m.pid;
    } else if (m.op === 'stderr') {
      e.stderr = handle;
    } else if (m.op === 'error') {
      entries.delete(m.id);
      holdAlive();
      const err = new Error(m.message ?? 'could not start the process');
      e.start.reject(err);
      e.exit.reject(err);
      return;
    } else if (m.op === 'exit') {
      entries.delete(m.id);
      holdAlive();
      e.exit.resolve({ code: m.code ?? null, signal: m.signal ?? null });
      return;
    }
    if (e.stdout && e.stderr && e.pid !== undefined) e.start.resolve({ pid: e.pid, stdout: e.stdout, stderr: e.stderr });
  });
  child.on('exit', () => {
    if (helper === child) helper = undefined;
    const lost = new Error('the ffmpeg spawn helper exited before ffmpeg did (the next decode starts a new one)');
    for (const [id, e] of entries) {
      entries.delete(id);
      // Its children outlive a helper killed outright (it had no chance to stop them): stop them from here.
      if (e.pid !== undefined) {
        try {
          process.kill(e.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      e.stdout?.destroy();
      e.stderr?.destroy();
      e.start.reject(lost);
      e.exit.reject(lost);
    }
  });
  child.on('error', () => {
    /* reported through 'exit' */
  });
  // Neither the helper nor its channel keeps this process alive by itself (see holdAlive).
  child.unref();
  return child;
}

function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: Error): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Starts `command args` (stdin ignored, stdout and stderr piped back) from the helper process. */
export function brokeredSpawn(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): BrokeredProcess {
  const h = (helper ??= startHelper());
  const id = nextId++;
  const start = deferred<BrokeredStart>();
  const exit = deferred<{ code: number | null; signal: NodeJS.Signals | null }>();
  entries.set(id, { start, exit });
  holdAlive();
  h.send({ op: 'spawn', id, command, args, env });
  return {
    started: start.promise,
    exited: exit.promise,
    kill: (signal = 'SIGKILL') => {
      // Messages arrive in order: a kill sent after the spawn finds the process, or finds it gone.
      if (entries.has(id) && h.connected) h.send({ op: 'kill', id, signal });
    },
  };
}

/**
 * Starts the helper now if none runs, so the first decoder does not wait for it (~150–190 ms for a Node process to
 * start here, against ~8 ms for each start after it). Called when a file is probed: a read of it usually follows.
 */
export function prestartBroker(): void {
  if (helper) return;
  helper = startHelper();
  holdAlive();
}

/** Stops the helper (its children with it): for tests. */
export function stopBroker(): void {
  helper?.kill('SIGKILL');
}

/** Processes started through the helper that have not ended yet. */
export function brokeredRunning(): number {
  return entries.size;
}

/** A process's ended children's CPU seconds from /proc (cutime + cstime, in USER_HZ ticks: 100 on Linux). */
function endedChildrenOf(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name start at field 3 (state); cutime and cstime are fields 16 and 17.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

/**
 * CPU seconds (user + system) used by the processes anelo started that have ended: those it started itself (the
 * encoders) and those the helper started (the decoders); the kernel adds a process's time to its parent's when the
 * parent collects it. For the bench: ffmpeg's share of a run. Undefined where there is no /proc (not Linux).
 */
export function endedChildrenCpuSeconds(): number | undefined {
  try {
    return endedChildrenOf('self') + (helper?.pid ? endedChildrenOf(helper.pid) : 0);
  } catch {
    return undefined;
  }
}
