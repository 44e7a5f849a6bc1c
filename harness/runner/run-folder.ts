// Where a run writes: reports/runs/<time>-<scenario>[-<router>] unless --out says otherwise.
import { access, mkdir, rmdir, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPORTS_DIR = fileURLToPath(new URL('../../reports/', import.meta.url));

export function timestamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** The run folder cannot be made (a read-only file system, no permission, a file in the way): bad usage, exit 2. */
export class RunFolderError extends Error {
  override name = 'RunFolderError';
}

export async function makeRunFolder(scenario: string, router: string, out?: string): Promise<string> {
  const dir = out ? path.resolve(out) : path.join(REPORTS_DIR, 'runs', `${timestamp()}-${scenario}-${router}`);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new RunFolderError(await whyNotWritable(dir, err as NodeJS.ErrnoException));
  }
  return dir;
}

/**
 * Why `dir` could not be made. Node's recursive mkdir reports ENOENT when a parent cannot be created on a
 * read-only file system, so ask the nearest existing ancestor what is wrong.
 */
async function whyNotWritable(dir: string, err: NodeJS.ErrnoException): Promise<string> {
  let ancestor = path.dirname(dir);
  for (;;) {
    const info = await stat(ancestor).catch(() => null);
    if (info) {
      if (!info.isDirectory()) return `cannot write the run folder ${dir}: ${ancestor} is a file, not a folder`;
      const probeDir = path.join(ancestor, `.faultline-probe-${process.pid}`);
      const probe = await mkdir(probeDir).then(
        async () => {
          await rmdir(probeDir).catch(() => {});
          return null;
        },
        (e: NodeJS.ErrnoException) => e,
      );
      if (probe?.code === 'EROFS') return `cannot write the run folder ${dir}: ${ancestor} is on a read-only file system (choose another --out)`;
      if (probe?.code === 'EACCES' || probe?.code === 'EPERM') return `cannot write the run folder ${dir}: no permission to write in ${ancestor} (choose another --out)`;
      const writable = await access(ancestor, constants.W_OK).then(() => true, () => false);
      if (!writable) return `cannot write the run folder ${dir}: ${ancestor} is not writable (choose another --out)`;
      break;
    }
    const up = path.dirname(ancestor);
    if (up === ancestor) break;
    ancestor = up;
  }
  return `cannot write the run folder ${dir}: ${err.code ?? ''} ${err.message}`.trim();
}
