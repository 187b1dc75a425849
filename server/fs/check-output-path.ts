/**
 * Refuses, before any work, a path anelo is about to write when writing it would destroy something: a source of
 * the run (the input video, the graph, a model file — compared after symlinks and by inode, so hard links count),
 * or an existing thing that is not a regular file (a directory, /dev/full, a FIFO): renaming over those replaces
 * a device node or fails only after the whole encode.
 */
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { AneloError } from '../../nodes/core/errors.ts';
import { ensureDir } from './ensure-dir.ts';
import { tempPathFor } from './temp-files.ts';

const statOrUndefined = (p: string): Promise<Stats | undefined> => fs.stat(p).catch(() => undefined);

/** The path a write would land on: symlinks in the file and its folders resolved, a missing file kept by name. */
async function landingPath(file: string): Promise<string> {
  const abs = path.resolve(file);
  try {
    return await fs.realpath(abs);
  } catch {
    const dir = await fs.realpath(path.dirname(abs)).catch(() => path.dirname(abs));
    return path.join(dir, path.basename(abs));
  }
}

/**
 * Throws E101 when `file` exists (through symlinks) and is not a regular file, E100 when it is one of `sources`.
 * `what` names the option in the message ("--output", "--report").
 */
export async function checkOutputPath(file: string, sources: readonly string[], what = 'output'): Promise<void> {
  const abs = path.resolve(file);
  const st = await statOrUndefined(abs);
  if (st && !st.isFile()) {
    const kind = st.isDirectory() ? 'a directory' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isFIFO() ? 'a pipe' : st.isSocket() ? 'a socket' : 'not a regular file';
    throw new AneloError('ANELO_E101_OUTPUT_NOT_REGULAR', `${what} ${abs} is ${kind}: anelo only writes regular files; choose a file name`, { file: abs, param: what.replace(/^-+/, '') });
  }
  const landing = await landingPath(abs);
  for (const source of sources) {
    const src = path.resolve(source);
    const srcSt = await statOrUndefined(src);
    const same = (await landingPath(src)) === landing || (st && srcSt && st.dev === srcSt.dev && st.ino === srcSt.ino);
    if (same) {
      throw new AneloError('ANELO_E100_OUTPUT_IS_SOURCE', `${what} ${abs} is the source ${src}: writing it would destroy the source; choose another file`, { file: abs, param: what.replace(/^-+/, '') });
    }
  }
}

/**
 * Throws E021 unless a file can be written in the folder `file` will land in (created when missing, as the run would
 * create it): found before any work, not after a whole render as the encoder's rename or ffmpeg's open fails. A
 * probe is written there and removed, named as anelo's temp files are (tempPathFor), so one a killed process left is
 * swept like them.
 */
export async function checkWritableFolder(file: string, what = 'output'): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const probe = tempPathFor(file, '.check');
  try {
    await ensureDir(dir);
    await fs.writeFile(probe, '');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new AneloError('ANELO_E021_OUTPUT_NOT_WRITABLE', `${what} ${path.resolve(file)}: cannot write in ${dir} (${err.code ?? err.message}); choose a folder you can write to`, { file: path.resolve(file), param: what.replace(/^-+/, '') });
  } finally {
    await fs.rm(probe, { force: true }).catch(() => {});
  }
}

/** Refuses to rename onto anything that exists and is not a regular file (never replaces a device or a folder). */
export async function assertRenameTarget(file: string): Promise<void> {
  const st = await fs.lstat(file).catch(() => undefined);
  if (st && !st.isFile() && !st.isSymbolicLink()) {
    throw new AneloError('ANELO_E101_OUTPUT_NOT_REGULAR', `${file} is not a regular file: anelo will not replace it`, { file });
  }
  if (st?.isSymbolicLink()) {
    const target = await statOrUndefined(file);
    if (target && !target.isFile()) throw new AneloError('ANELO_E101_OUTPUT_NOT_REGULAR', `${file} points at something that is not a regular file: anelo will not replace it`, { file });
  }
}
