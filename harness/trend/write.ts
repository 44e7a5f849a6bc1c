// Writes the trend page whole or not at all: a temporary file next to it, then a rename, so a CI step or a
// browser never reads half a page and a failed write leaves the previous page in place.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The page cannot be written where --out says (no permission, a file in the way, read-only): bad usage. */
export class TrendOutputError extends Error {
  override readonly name = 'TrendOutputError';
}

const USAGE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'ENOENT', 'EEXIST']);

export async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (USAGE_CODES.has(code)) throw new TrendOutputError(`cannot write ${file}: ${code} (${(err as Error).message})`);
    throw err;
  }
}
