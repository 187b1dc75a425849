/**
 * Writes a file so that readers see the old content or the new, never half: temp file, fsync, rename. Never
 * replaces something that is not a regular file (a directory, a device node such as /dev/full).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { toAneloError } from '../../nodes/core/errors.ts';
import { assertRenameTarget } from './check-output-path.ts';
import { ensureDir } from './ensure-dir.ts';
import { tempPathFor, trackTemp } from './temp-files.ts';

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const tmp = tempPathFor(abs);
  const untrack = trackTemp(tmp);
  let handle: fs.FileHandle | undefined;
  try {
    await assertRenameTarget(abs);
    await ensureDir(dir);
    handle = await fs.open(tmp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await assertRenameTarget(abs);
    await fs.rename(tmp, abs);
  } catch (e) {
    await handle?.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw toAneloError(e, { file });
  } finally {
    untrack();
  }
}
