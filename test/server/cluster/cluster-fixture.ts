/** Child processes for cluster tests: `anelo worker` processes and `anelo run` through the real CLI entry point. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { modelSearchDirs } from '../../../server/depth/model-dirs.ts';
import { PROJECT_ROOT, sharedPath } from '../../helpers/shared-data.ts';
import { readRawFrames } from '../../helpers/raw-frames.ts';

const BIN = path.join(PROJECT_ROOT, 'bin', 'anelo.mjs');
const execFileP = promisify(execFile);

/** Where FastDepth's weights are, if anywhere (the real-weights tests skip without them, and so do these). */
export const MODELS_DIR = [...modelSearchDirs(), sharedPath('models')].find((d) => existsSync(path.join(d, 'fastdepth-nyu-224-f32.onnx')));

export interface WorkerProcess {
  proc: ChildProcess;
  /** The name the worker reports in segment results (host:pid). */
  pid: number;
  log(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startWorker(redis: string, cacheDir: string, env: Record<string, string | undefined> = {}, args: string[] = []): Promise<WorkerProcess> {
  const proc = spawn(process.execPath, [BIN, 'worker', '--redis', redis, '--cache-dir', cacheDir, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ANELO_MODELS_DIR: MODELS_DIR, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000): Promise<void> => {
    const until = Date.now() + timeoutMs;
    while (!pattern.test(log)) {
      if (Date.now() > until || proc.exitCode !== null) throw new Error(`worker never logged ${pattern}:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await waitFor(/ready/);
  return {
    proc,
    pid: proc.pid!,
    log: () => log,
    waitFor,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function anelo(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  try {
    const r = await execFileP(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ANELO_MODELS_DIR: MODELS_DIR, ...env }, maxBuffer: 2 ** 24 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

export interface VideoFacts {
  width: number;
  height: number;
  fps: string;
  frames: number;
  durationS: number;
}

export async function videoFacts(file: string): Promise<VideoFacts> {
  const ffprobe = ((await import('@ffprobe-installer/ffprobe')) as { path?: string; default?: { path: string } });
  const bin = ffprobe.path ?? ffprobe.default!.path;
  const { stdout } = await execFileP(bin, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,r_frame_rate,nb_read_frames:format=duration', '-of', 'json', file]);
  const j = JSON.parse(stdout) as { streams: Record<string, string | number>[]; format: { duration: string } };
  const s = j.streams[0];
  return { width: Number(s.width), height: Number(s.height), fps: String(s.r_frame_rate), frames: Number(s.nb_read_frames), durationS: Number(j.format.duration) };
}

/** Lowest per-frame PSNR (dB, RGB) between two videos of the same size, decoded in step; Infinity when identical. */
export async function minPsnr(a: string, b: string, width: number, height: number): Promise<number> {
  const ra = readRawFrames(a, { width, height });
  const rb = readRawFrames(b, { width, height });
  let min = Infinity;
  for (;;) {
    const [fa, fb] = await Promise.all([ra.next(), rb.next()]);
    if (fa.done || fb.done) {
      if (fa.done !== fb.done) throw new Error('the videos have different frame counts');
      return min;
    }
    let se = 0;
    for (let i = 0; i < fa.value.length; i++) {
      const d = fa.value[i] - fb.value[i];
      se += d * d;
    }
    const mse = se / fa.value.length;
    min = Math.min(min, mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse));
  }
}
