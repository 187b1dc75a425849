/**
 * Where the ffmpeg and ffprobe binaries are: ANELO_FFMPEG_PATH / ANELO_FFPROBE_PATH when set (a system ffmpeg),
 * else the binaries that `npm ci` installed with @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe.
 */
import { accessSync, chmodSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AneloError } from '../../nodes/core/errors.ts';

const require = createRequire(import.meta.url);

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

function resolveBinary(envName: string, pkg: string, name: string): string {
  const fromEnv = process.env[envName];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new AneloError('ANELO_E012_DECODE_FAILED', `${envName} points at ${fromEnv}, which does not exist`, { file: fromEnv });
    return fromEnv;
  }
  const p = installerPath(pkg);
  if (!p || !existsSync(p)) {
    throw new AneloError('ANELO_E012_DECODE_FAILED', `no ${name} binary: run "npm ci" (installs ${pkg}) or set ${envName} to a system ${name}`, {});
  }
  ensureExecutable(p);
  return p;
}

export function ffmpegPath(): string {
  return resolveBinary('ANELO_FFMPEG_PATH', '@ffmpeg-installer/ffmpeg', 'ffmpeg');
}

export function ffprobePath(): string {
  return resolveBinary('ANELO_FFPROBE_PATH', '@ffprobe-installer/ffprobe', 'ffprobe');
}
