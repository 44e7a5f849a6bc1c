// An output folder (a run folder, `compare --out`, `export k6 --out`, `suite --out`, `--write-baselines`,
// the folder of `up --json`) is made and proven writable before any work starts: a read-only file system,
// a missing permission or a file in the way is bad usage (exit 2) naming the flag and the folder, never an
// ENOENT from deep inside after minutes of work.
import { access, mkdir, open, rmdir, stat, unlink } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';

export class OutputFolderError extends Error {
  override readonly name = 'OutputFolderError';
}

/**
 * Why `dir` cannot be written, or null when it can. Node's recursive mkdir reports ENOENT when a parent
 * cannot be created on a read-only file system, so the nearest existing ancestor is asked what is wrong.
 */
export async function whyNotWritable(dir: string, err?: NodeJS.ErrnoException): Promise<string> {
  let ancestor = dir;
  for (;;) {
    const info = await stat(ancestor).catch(() => null);
    if (info) {
      if (!info.isDirectory()) return `${ancestor} is a file, not a folder`;
      const probeDir = path.join(ancestor, `.faultline-probe-${process.pid}`);
      const probe = await mkdir(probeDir).then(
        async () => {
          await rmdir(probeDir).catch(() => {});
          return null;
        },
        (e: NodeJS.ErrnoException) => e,
      );
      if (probe?.code === 'EROFS') return `${ancestor} is on a read-only file system`;
      if (probe?.code === 'EACCES' || probe?.code === 'EPERM') return `no permission to write in ${ancestor}`;
      if (probe?.code === 'ENOSPC') return `no space left on the device of ${ancestor}`;
      const writable = await access(ancestor, constants.W_OK).then(
        () => true,
        () => false,
      );
      if (!writable) return `${ancestor} is not writable`;
      break;
    }
    const up = path.dirname(ancestor);
    if (up === ancestor) break;
    ancestor = up;
  }
  return `${err?.code ?? ''} ${err?.message ?? 'it cannot be written'}`.trim();
}

/** Makes `dir` (and its parents) and writes and removes a probe file in it: null when that worked, else why not. */
export async function folderProblem(dir: string): Promise<string | null> {
  const full = path.resolve(dir);
  try {
    await mkdir(full, { recursive: true });
  } catch (err) {
    return whyNotWritable(full, err as NodeJS.ErrnoException);
  }
  const probe = path.join(full, `.faultline-probe-${process.pid}.tmp`);
  try {
    const handle = await open(probe, 'wx');
    await handle.close();
    await unlink(probe);
    return null;
  } catch (err) {
    await unlink(probe).catch(() => {});
    return whyNotWritable(full, err as NodeJS.ErrnoException);
  }
}

/**
 * Makes `dir` and proves it writable; throws an OutputFolderError "<flag> <dir>: cannot write there: <why>
 * (choose another <flag>)" when it is not. Returns the absolute path.
 */
export async function prepareOutputFolder(dir: string, flag: string): Promise<string> {
  const problem = await folderProblem(dir);
  if (problem !== null) throw new OutputFolderError(`${flag} ${dir}: cannot write there: ${problem}${flag.startsWith('--') ? ` (choose another ${flag})` : ''}`);
  return path.resolve(dir);
}
