// Reads a k6 JSON output file line by line in bounded memory: plain or gzipped (k6 gzips when the file name
// ends in .gz; the gzip magic bytes decide here, whatever the name), each line at most `maxLineBytes`, the
// whole file (uncompressed) at most `maxBytes`. Stops as soon as the signal aborts (Ctrl-C, or the caller's
// deadline). A problem is a K6InputError naming the file and the line.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { redactCardNumbers } from '../../../services/common/pan.ts';
import { isGzip } from '../../files/is-gzip.ts';

export const DEFAULT_MAX_LINE_BYTES = 256 * 1024;
export const DEFAULT_MAX_BYTES = 16 * 1024 ** 3;

/** A k6 file that cannot be read as k6's JSON output: bad input (exit 2), naming where and what. */
export class K6InputError extends Error {
  override name = 'K6InputError';
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly problem: string,
  ) {
    // No card number in a message (JSON.parse quotes the line it failed on): masked to its last four.
    super(`${file}${line === null ? '' : `:${line}`}: ${redactCardNumbers(problem)}`);
  }
}

/** Reading stopped because the signal aborted; `reason` is the signal's reason. */
export class ReadAborted extends Error {
  override name = 'ReadAborted';
  constructor(readonly reason: unknown) {
    super('reading stopped');
  }
}

export interface LineReadOptions {
  maxLineBytes?: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface K6Line {
  /** 1-based line number in the (uncompressed) file. */
  line: number;
  text: string;
}


async function openInput(file: string): Promise<{ input: Readable; close(): void }> {
  try {
    const gz = await isGzip(file);
    const source = createReadStream(file, { highWaterMark: 256 * 1024 });
    if (!gz) return { input: source, close: () => source.destroy() };
    const gunzip = createGunzip();
    source.on('error', (err) => gunzip.destroy(err));
    source.pipe(gunzip);
    return {
      input: gunzip,
      close: () => {
        source.destroy();
        gunzip.destroy();
      },
    };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new K6InputError(file, null, e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'a folder, not a k6 JSON file' : `cannot be read: ${e.message}`);
  }
}

/** The file's lines, in order; blank lines are yielded too (the parser says they are not k6 output). */
export async function* readK6Lines(file: string, options: LineReadOptions = {}): AsyncGenerator<K6Line> {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const signal = options.signal;
  if (signal?.aborted) throw new ReadAborted(signal.reason);
  const { input, close } = await openInput(file);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let total = 0;
  let line = 0;
  const tooLong = (): K6InputError => new K6InputError(file, line + 1, `line longer than ${maxLine} bytes: not k6 JSON output (or a corrupted file)`);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw new ReadAborted(signal.reason);
      total += chunk.length;
      if (total > maxBytes) throw new K6InputError(file, null, `larger than ${maxBytes} bytes uncompressed: split the k6 run, or check it in parts`);
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, from);
        if (nl < 0) break;
        const piece = chunk.subarray(from, nl);
        if (pendingBytes + piece.length > maxLine) throw tooLong();
        const bytes = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
        pending = [];
        pendingBytes = 0;
        line++;
        let text = bytes.toString('utf8');
        if (text.endsWith('\r')) text = text.slice(0, -1);
        if (signal?.aborted) throw new ReadAborted(signal.reason);
        yield { line, text };
        from = nl + 1;
      }
      if (from < chunk.length) {
        const rest = chunk.subarray(from);
        if (pendingBytes + rest.length > maxLine) throw tooLong();
        // Copy: the stream may reuse its buffer.
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
    if (signal?.aborted) throw new ReadAborted(signal.reason);
    if (pendingBytes > 0) {
      // A last line without its newline: k6 stopped mid-write. It is yielded, and the parser says if it is whole.
      line++;
      yield { line, text: Buffer.concat(pending).toString('utf8') };
    }
  } catch (err) {
    if (err instanceof K6InputError || err instanceof ReadAborted) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR' || e.code === 'Z_STREAM_ERROR') {
      throw new K6InputError(file, line + 1, `not a valid gzip stream (${e.message}): a gzipped k6 output that was cut short?`);
    }
    throw new K6InputError(file, null, `cannot be read: ${e.message}`);
  } finally {
    close();
  }
}
