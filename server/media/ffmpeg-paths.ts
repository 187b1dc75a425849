/**
 * Where the ffmpeg and ffprobe binaries are, in this order: ANELO_FFMPEG_PATH / ANELO_FFPROBE_PATH when set; a
 * system ffmpeg/ffprobe on PATH when its version is 5 or newer (it parses untrusted files with years of fixes the
 * bundled build lacks); else the binaries `npm ci` installed (@ffmpeg-installer/ffmpeg, @ffprobe-installer/ffprobe).
 */
import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AneloError } from '../../nodes/core/errors.ts';

const require = createRequire(import.meta.url);

/** The oldest system ffmpeg preferred over the bundled one. */
export const MIN_SYSTEM_MAJOR = 5;

export interface BinaryChoice {
  path: string;
  /** The first line of `-version`, or undefined when it could not run. */
  version?: string;
  /** Major version for release builds; undefined for git snapshots ("N-47683-…"). */
  major?: number;
  source: 'env' | 'system' | 'bundled';
}

function installerPath(pkg: string): string | undefined {
  try {
    return (require(pkg) as { path: string }).path;
  } catch {
    return undefined;
  }
}

/** npm 11 does not run the installers' chmod step; the binaries usually ship executable, but make sure. */
function ensureExecutable(file: string): void {
  try {
    accessSync(file, constants.X_OK);
  } catch {
    try {
      chmodSync(file, 0o755);
    } catch {
      /* reported when spawning */
    }
  }
}

/** "ffmpeg version 6.1.1-3ubuntu5 Copyright…" → 6; "ffmpeg version n7.0" → 7; snapshots ("N-47683-g…") → undefined. */
export function parseMajorVersion(firstLine: string): number | undefined {
  const m = /version\s+n?(\d+)\.\d+/i.exec(firstLine);
  return m ? Number(m[1]) : undefined;
}

/** The first line of `<binary> -version`, or undefined when it does not run within 5 s. */
export function versionLine(file: string): string | undefined {
  try {
    return execFileSync(file, ['-hide_banner', '-version'], { timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] }).toString().split('\n')[0].trim() || undefined;
  } catch {
    return undefined;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      if (statSync(file).isFile()) {
        accessSync(file, constants.X_OK);
        return file;
      }
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Resolves one binary (not memoised: see ffmpegChoice / ffprobeChoice). */
export function chooseBinary(envName: string, pkg: string, name: string, env: NodeJS.ProcessEnv = process.env): BinaryChoice {
  const fromEnv = env[envName];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new AneloError('ANELO_E012_DECODE_FAILED', `${envName} points at ${fromEnv}, which does not exist`, { file: fromEnv });
    const version = versionLine(fromEnv);
    return { path: fromEnv, version, major: version ? parseMajorVersion(version) : undefined, source: 'env' };
  }
  const system = onPath(name, env);
  if (system) {
    const version = versionLine(system);
    const major = version ? parseMajorVersion(version) : undefined;
    if (major !== undefined && major >= MIN_SYSTEM_MAJOR) return { path: system, version, major, source: 'system' };
  }
  const p = installerPath(pkg);
  if (!p || !existsSync(p)) {
    throw new AneloError('ANELO_E012_DECODE_FAILED', `no ${name} binary: install ${name} ${MIN_SYSTEM_MAJOR} or newer, run "npm ci" (installs ${pkg}), or set ${envName}`, {});
  }
  ensureExecutable(p);
  return { path: p, source: 'bundled' };
}

let ffmpegMemo: BinaryChoice | undefined;
let ffprobeMemo: BinaryChoice | undefined;

export function ffmpegChoice(): BinaryChoice {
  return (ffmpegMemo ??= chooseBinary('ANELO_FFMPEG_PATH', '@ffmpeg-installer/ffmpeg', 'ffmpeg'));
}

export function ffprobeChoice(): BinaryChoice {
  return (ffprobeMemo ??= chooseBinary('ANELO_FFPROBE_PATH', '@ffprobe-installer/ffprobe', 'ffprobe'));
}

export function ffmpegPath(): string {
  return ffmpegChoice().path;
}

export function ffprobePath(): string {
  return ffprobeChoice().path;
}

/**
 * The environment to run a binary in. The bundled builds are static: their glibc, asked to convert a character set
 * it does not carry built in, loads the host's gconv modules, made for another glibc, and crashes. The bundled
 * ffprobe does that on every MPEG-TS file (.ts, .m2ts, .mts: the service name of its SDT is ISO 6937) and died with
 * SIGSEGV before printing anything. Pointed at its own folder, which holds no gconv modules, the conversion just
 * fails, and the name is left out. A system or ANELO_*_PATH binary runs as it is.
 */
export function binaryEnv(choice: BinaryChoice): NodeJS.ProcessEnv {
  return choice.source === 'bundled' ? { ...process.env, GCONV_PATH: path.dirname(choice.path) } : process.env;
}
