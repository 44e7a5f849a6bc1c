// Every file faultline rewrites (summary.json, index.html, junit.xml, the history, baselines, the suite
// index, a k6 export, `up --json`, the contract documents) goes through here: it is written whole to a
// temporary file in the same folder, flushed to disk, then renamed over the old one. A full disk, a file
// size limit or a crash mid-write leaves the old file as it was (and no temporary file behind), never a
// file cut in the middle: rename(2) within one folder replaces the file in one step.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** What may be written: text, bytes, or a stream / iterable of chunks (a large history, a gzip stream). */
export type FileContent = string | Uint8Array | Readable | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/** A file could not be written; the old one, if any, is unchanged. The CLI reports it as one line (exit 3). */
export class FileWriteError extends Error {
  override readonly name = 'FileWriteError';
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    reason: string,
  ) {
    super(`cannot write ${file}: ${reason}`);
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EFBIG: 'the file is larger than this process may write (file size limit)',
  EROFS: 'the folder is on a read-only file system',
  EACCES: 'no permission to write there',
  EPERM: 'no permission to write there',
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of its path is a file, not a folder',
  EISDIR: 'it is a folder',
};

function reasonOf(err: NodeJS.ErrnoException): string {
  return (err.code && REASONS[err.code]) ?? err.message;
}

/** The temporary file next to `file`: hidden, unique to this process and call. */
export function temporaryPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes `content` to `file` atomically: a temporary file in the same folder, fsync, rename. On any error
 * the temporary file is removed, the old `file` is untouched, and a FileWriteError names the file and why
 * (saying that the old one is unchanged when there was one).
 */
export async function writeFileAtomic(file: string, content: FileContent): Promise<void> {
  const tmp = temporaryPathFor(file);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(tmp, 'wx');
    await writeFile(handle, content);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, file);
  } catch (err) {
    await handle?.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    const e = err as NodeJS.ErrnoException;
    const existed = await open(file, 'r').then(
      async (h) => {
        await h.close();
        return true;
      },
      () => false,
    );
    throw new FileWriteError(file, e.code, `${reasonOf(e)}${existed ? ` (${path.basename(file)} is unchanged)` : ''}`);
  }
}
