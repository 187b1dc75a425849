/**
 * The only module that imports fluent-ffmpeg (its upstream is archived: keep it replaceable behind these three
 * functions). Everything else builds flat argument lists (ffmpeg-args.ts) and talks to these.
 *
 * fluent-ffmpeg spawns asynchronously (it first checks capabilities), so a kill() can arrive before there is a
 * process: it is remembered and applied the moment ffmpeg starts, otherwise ffmpeg would start later, wait on a
 * stdin nobody feeds, and hang whoever awaits it.
 */
import ffmpeg from 'fluent-ffmpeg';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { PassThrough, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { binaryEnv, ffmpegPath, ffprobeChoice, ffprobePath } from './ffmpeg-paths.ts';
import { INPUT_SAFETY_OPTIONS, inputUrl } from './media-allow-list.ts';
import { brokeredSpawn, type BrokeredProcess } from './spawn-broker.ts';

/**
 * Running encoders: killed when this process exits, so none outlives a forced exit and rewrites a temp file.
 * (Decoders are the spawn helper's children, and it stops them when this process goes away.)
 */
const live = new Set<ffmpeg.FfmpegCommand>();

let configured = false;
function configure(): void {
  if (configured) return;
  ffmpeg.setFfmpegPath(ffmpegPath());
  ffmpeg.setFfprobePath(ffprobePath());
  process.once('exit', () => {
    for (const cmd of live) {
      try {
        cmd.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
  configured = true;
}

export interface ProbeData {
  streams: Record<string, unknown>[];
  format: Record<string, unknown>;
  chapters?: unknown[];
}

/** No probe of a local file takes this long; one that does (a stalled disk, a pathological file) is killed. */
const PROBE_TIMEOUT_MS = 30_000;

/**
 * ffprobe's JSON for a file, restricted to local files of allowed container formats. Spawned directly (not through
 * fluent-ffmpeg, which cannot kill a probe) so the wait is bounded. Rejects with ffprobe's own message.
 */
export function ffprobeFile(file: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeData> {
  configure();
  return new Promise((resolve, reject) => {
    const args = ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', '-show_chapters', ...INPUT_SAFETY_OPTIONS, inputUrl(file)];
    const probe = ffprobeChoice();
    const child = spawn(probe.path, args, { stdio: ['ignore', 'pipe', 'pipe'], env: binaryEnv(probe) });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      err = `ffprobe gave no answer within ${timeoutMs / 1000} s`;
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err = (err + String(d)).slice(-4000)));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(err.trim() || (signal ? `ffprobe crashed (${signal}) reading it` : `ffprobe exited with code ${code}`)));
      try {
        const data = JSON.parse(Buffer.concat(out).toString('utf8')) as Partial<ProbeData>;
        resolve({ streams: data.streams ?? [], format: data.format ?? {}, chapters: data.chapters ?? [] });
      } catch (e) {
        reject(new Error(`ffprobe output is not JSON: ${(e as Error).message}`));
      }
    });
  });
}

export interface FfmpegProcess {
  /** Resolves when ffmpeg exits 0; rejects with the tail of its stderr otherwise. */
  done: Promise<void>;
  /** Stops ffmpeg now, or as soon as it starts when it has not yet. */
  kill(): void;
}

const STDERR_LINES = 20;
/**
 * Every decoder and encoder starts without ffmpeg's banner (version, build configuration, library versions: a dozen
 * lines), so the stderr tail a failure carries is what ffmpeg said about the job, not how it was built.
 */
const QUIET_START = ['-hide_banner'];

/**
 * A command's process handle, and `start`, which runs it once the shared capability check is done, or, when it was
 * killed before that, never spawns it and settles `done` as a stopped command would.
 */
function track(cmd: ffmpeg.FfmpegCommand, onLine?: (line: string) => void): FfmpegProcess & { start(run: () => void): void } {
  const tail: string[] = [];
  let fail: (e: Error) => void = () => {};
  let killed = false;
  let exited = false;
  const hard = (): void => {
    try {
      cmd.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  };
  live.add(cmd);
  cmd.on('start', () => {
    if (killed) hard();
  });
  const done = new Promise<void>((resolve, reject) => {
    fail = reject;
    cmd.on('stderr', (line: string) => {
      tail.push(line);
      if (tail.length > STDERR_LINES) tail.shift();
      onLine?.(line);
    });
    cmd.on('end', () => {
      exited = true;
      live.delete(cmd);
      resolve();
    });
    cmd.on('error', (err: Error) => {
      exited = true;
      live.delete(cmd);
      reject(new Error(`${err.message.split('\n')[0]}${tail.length ? `\n${tail.join('\n')}` : ''}`));
    });
  });
  done.catch(() => {});
  return {
    done,
    start: (run) => {
      void capabilitiesChecked().then(() => {
        if (!killed) return run();
        exited = true;
        live.delete(cmd);
        fail(new Error('ffmpeg was stopped before it started'));
      });
    },
    kill: () => {
      if (exited) return;
      killed = true;
      // Before 'start' there is no process: fluent-ffmpeg only logs; the 'start' handler above kills it then.
      if ((cmd as unknown as { ffmpegProc?: unknown }).ffmpegProc) hard();
    },
  };
}

/**
 * fluent-ffmpeg checks ffmpeg's formats and encoders (two more ffmpeg processes) before each command until its
 * cache holds them, and commands started together each run the check. Spawning is synchronous and costs 40–100 ms
 * of the event loop from a process of several hundred MB: a render and 20 previews started at once spawned dozens.
 * Every command waits for one shared check instead (errors surface in the command's own check, as before).
 */
let capabilities: Promise<void> | undefined;
function capabilitiesChecked(): Promise<void> {
  return (capabilities ??= new Promise<void>((resolve) => {
    ffmpeg.getAvailableFormats(() => ffmpeg.getAvailableEncoders(() => resolve()));
  }));
}

/**
 * Decoders and encoders run under `nice -n 5` where there is a `nice` (fluent-ffmpeg's own niceness option: nice
 * execs ffmpeg in place, so the pid, kill and exit status are ffmpeg's). The event loop then runs ahead of them
 * as it does of the compute threads (pool/thread-priority.mjs), which run at the same step. Off Linux, or without
 * a `nice` binary, ffmpeg runs at the caller's priority as before.
 */
const NICE = process.platform === 'linux' && ['/usr/bin/nice', '/bin/nice'].some((p) => existsSync(p)) ? 5 : 0;
function background(): { niceness: number } {
  return { niceness: NICE };
}

/**
 * Starts a decoder writing raw frames to the returned stream. fluent-ffmpeg builds its command line; the spawn
 * helper starts it (spawn-broker.ts), so a decoder's start never holds the event loop for a fork of this process
 * (100–260 ms each during a render with previews, and every preview that seeks starts one).
 */
export function startDecoder(input: string, inputOptions: string[], outputOptions: string[], onStderrLine?: (line: string) => void): FfmpegProcess & { stream: Readable } {
  configure();
  const cmd = ffmpeg(inputUrl(input)).inputOptions([...QUIET_START, ...INPUT_SAFETY_OPTIONS, ...inputOptions]).outputOptions(outputOptions).output('pipe:1');
  const args = (cmd as unknown as { _getArguments(): string[] })._getArguments();
  const [command, commandArgs] = NICE ? ['nice', ['-n', String(NICE), ffmpegPath(), ...args]] : [ffmpegPath(), args];
  // Pieces pass through as ffmpeg's pipe delivered them (up to 64 of them buffered): a byte-mode stream's reader
  // got everything buffered joined into one new Buffer first, a copy of every decoded byte on the event loop.
  const stream = new PassThrough({ writableHighWaterMark: 4 * 2 ** 20, readableObjectMode: true, readableHighWaterMark: 64 });
  const tail: string[] = [];
  let killed = false;
  let proc: BrokeredProcess | undefined;
  const done = new Promise<void>((resolve, reject) => {
    // A kill() right after the call (a read cancelled as it began) starts nothing.
    setImmediate(() => {
      if (killed) {
        stream.end();
        return reject(new Error('ffmpeg was stopped before it started'));
      }
      proc = brokeredSpawn(command, commandArgs);
      const p = proc;
      p.started.then(
        ({ stdout, stderr }) => {
          // The reader gone (stream destroyed, now or later): nothing more to read, and ffmpeg is being stopped.
          if (stream.destroyed) stdout.destroy();
          else {
            stdout.pipe(stream, { end: true });
            stream.once('close', () => stdout.destroy());
          }
          const lines = createInterface({ input: stderr, crlfDelay: Infinity });
          lines.on('line', (line) => {
            tail.push(line);
            if (tail.length > STDERR_LINES) tail.shift();
            onStderrLine?.(line);
          });
          Promise.all([p.exited, finished(stderr).catch(() => {}), finished(stdout).catch(() => {})]).then(([{ code, signal }]) => {
            if (code === 0) return resolve();
            const how = signal ? `ffmpeg was killed with signal ${signal}` : `ffmpeg exited with code ${code}`;
            reject(new Error(`${how}${tail.length ? `\n${tail.join('\n')}` : ''}`));
          }, reject);
        },
        (e: Error) => {
          stream.end();
          reject(new Error(`ffmpeg could not be started: ${e.message}`));
        },
      );
    });
  });
  done.catch(() => {});
  return {
    stream,
    done,
    kill: () => {
      if (killed) return;
      killed = true;
      proc?.kill();
    },
  };
}

export interface EncoderSpec {
  videoIn: Readable;
  videoInputOptions: string[];
  audio?: { file: string; inputOptions: string[] };
  outputOptions: string[];
  output: string;
  onStderrLine?: (line: string) => void;
}

/** Starts an encoder reading raw frames from `videoIn` and writing `output`. */
export function startEncoder(spec: EncoderSpec): FfmpegProcess {
  configure();
  const cmd = ffmpeg(background()).input(spec.videoIn).inputOptions([...QUIET_START, '-protocol_whitelist', 'pipe', ...spec.videoInputOptions]);
  if (spec.audio) cmd.input(inputUrl(spec.audio.file)).inputOptions([...INPUT_SAFETY_OPTIONS, ...spec.audio.inputOptions]);
  cmd.outputOptions(spec.outputOptions).output(spec.output);
  const proc = track(cmd, spec.onStderrLine);
  proc.start(() => cmd.run());
  return { done: proc.done, kill: proc.kill };
}
