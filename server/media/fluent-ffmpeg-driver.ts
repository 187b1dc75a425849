/**
 * The only module that imports fluent-ffmpeg (its upstream is archived: keep it replaceable behind these three
 * functions). Everything else builds flat argument lists (ffmpeg-args.ts) and talks to these.
 */
import ffmpeg from 'fluent-ffmpeg';
import { PassThrough, type Readable } from 'node:stream';
import { ffmpegPath, ffprobePath } from './ffmpeg-paths.ts';

let configured = false;
function configure(): void {
  if (configured) return;
  ffmpeg.setFfmpegPath(ffmpegPath());
  ffmpeg.setFfprobePath(ffprobePath());
  configured = true;
}

export interface ProbeData {
  streams: Record<string, unknown>[];
  format: Record<string, unknown>;
}

/** ffprobe's JSON for a file. Rejects with ffprobe's own message for unreadable input. */
export function ffprobeFile(file: string): Promise<ProbeData> {
  configure();
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(file, (err, data) => (err ? reject(err) : resolve(data as unknown as ProbeData)));
  });
}

export interface FfmpegProcess {
  /** Resolves when ffmpeg exits 0; rejects with the tail of its stderr otherwise. */
  done: Promise<void>;
  kill(): void;
}

const STDERR_LINES = 20;

function track(cmd: ffmpeg.FfmpegCommand, onLine?: (line: string) => void): { done: Promise<void>; tail: string[] } {
  const tail: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    cmd.on('stderr', (line: string) => {
      tail.push(line);
      if (tail.length > STDERR_LINES) tail.shift();
      onLine?.(line);
    });
    cmd.on('end', () => resolve());
    cmd.on('error', (err: Error) => reject(new Error(`${err.message.split('\n')[0]}${tail.length ? `\n${tail.join('\n')}` : ''}`)));
  });
  done.catch(() => {});
  return { done, tail };
}

/** Starts a decoder writing raw frames to the returned stream. */
export function startDecoder(input: string, inputOptions: string[], outputOptions: string[]): FfmpegProcess & { stream: Readable } {
  configure();
  const cmd = ffmpeg(input).inputOptions(inputOptions).outputOptions(outputOptions);
  const { done } = track(cmd);
  const stream = new PassThrough({ highWaterMark: 4 * 2 ** 20 });
  cmd.pipe(stream, { end: true });
  return { stream, done, kill: () => cmd.kill('SIGKILL') };
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
  const cmd = ffmpeg().input(spec.videoIn).inputOptions(spec.videoInputOptions);
  if (spec.audio) cmd.input(spec.audio.file).inputOptions(spec.audio.inputOptions);
  cmd.outputOptions(spec.outputOptions).output(spec.output);
  const { done } = track(cmd, spec.onStderrLine);
  cmd.run();
  return { done, kill: () => cmd.kill('SIGKILL') };
}
