/**
 * An error as a client may see it: server paths cut to their file names (a page must not learn where the data
 * folder lives or what the user's home is called), and the `file` field likewise.
 */
import path from 'node:path';
import type { AneloErrorJson } from '../../../nodes/core/errors.ts';

/** Absolute POSIX paths (at least two segments) inside a message; not the path of a URL (https://host/...). */
const ABS_PATH = /(?<![\w.:/])\/(?:[^\s/'"`(),:;]+\/)+[^\s/'"`(),:;]*/g;

/** file: URLs (file:///a/b) and ffmpeg's file: protocol prefix (file:/a/b), whose path is a server path all the same. */
const FILE_URL = /\bfile:(\/[^\s'"`(),:;]*)/g;

export function redactPaths(text: string): string {
  return text.replace(FILE_URL, (_m, p: string) => path.basename(p) || '/').replace(ABS_PATH, (p) => path.basename(p) || '/');
}

export function publicError(e: AneloErrorJson): AneloErrorJson {
  const out: AneloErrorJson = { ...e, message: redactPaths(e.message) };
  if (out.file) out.file = path.basename(out.file);
  return out;
}
