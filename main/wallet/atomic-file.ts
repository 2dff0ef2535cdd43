import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoCode } from './errors.ts';

/**
 * Writes a whole file or nothing: a temporary file in the same folder (0600,
 * fsynced) takes the final name in one step, then the folder is fsynced so the
 * new name survives a power cut. With `replace: false` an existing file is
 * never overwritten: the temporary file is hard-linked to the name, which
 * fails if the name exists (no check-then-write race).
 *
 * Throws `ExistsError` when the name is taken (replace: false), otherwise the
 * file-system error; the temporary file is removed in every case.
 */
export class ExistsError extends Error {
  override name = 'ExistsError';
}

export async function writeFileAtomic(file: string, data: string, options: { replace: boolean }): Promise<void> {
  const dir = dirname(file);
  // A failure here shows up, with a clearer code, when the temporary file is opened.
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch(() => undefined);
  const temp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.replace) await rename(temp, file);
    else await linkWithoutOverwrite(temp, file);
    // The new name is in place: the write has happened, so a failing folder
    // fsync (rare: EIO) must not be reported as "nothing was written".
    await syncDir(dir).catch(() => undefined);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function linkWithoutOverwrite(temp: string, file: string): Promise<void> {
  try {
    await link(temp, file);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') throw new ExistsError(`${file} exists`);
    // File systems without hard links (FAT, some network shares): check, then rename.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    if (await exists(file)) throw new ExistsError(`${file} exists`);
    await rename(temp, file);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** Windows cannot open a folder for fsync (NTFS journals the rename itself). */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
