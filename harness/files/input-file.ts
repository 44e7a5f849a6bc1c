// Every file faultline reads whole (a scenario, a summary.json, a baseline, a tolerances file) or copies
// from a stream (a replay handed over as a named pipe) goes through here, so that no input can hang a
// command or exhaust its memory:
// - a regular file's size is checked against a bound BEFORE it is read;
// - a named pipe (FIFO, e.g. `--replay <(zcat requests.jsonl.gz)`) is opened without blocking and read on
//   the event loop, with a deadline on every wait for the next bytes, the same size bound, and an abort
//   signal (Ctrl-C): a pipe nobody writes to is an error after the deadline, or stops at the first Ctrl-C;
// - a folder, a device or a socket is refused, naming the file.
// Errors are InputFileError (bad input: exit 2) or ReadInterruptedError (Ctrl-C: exit 130).
import { constants, createWriteStream, openSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { once } from 'node:events';
import net from 'node:net';

/** An input file that cannot be used: names the file and why. Bad input (exit 2). */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** Reading an input was stopped by Ctrl-C (SIGINT/SIGTERM) before anything ran (exit 130). */
export class ReadInterruptedError extends Error {
  override readonly name = 'ReadInterruptedError';
  constructor(readonly file: string) {
    super(`interrupted while reading ${file}: nothing ran`);
  }
}

/** How long a named pipe may stay silent before its read fails (default). */
export const DEFAULT_IDLE_TIMEOUT_MS = 10_000;

export interface InputLimits {
  /** Largest accepted size, in bytes. */
  maxBytes: number;
  /** What the file is, for messages: "a scenario", "a summary.json". */
  what: string;
  /** A named pipe that delivers nothing for this long fails (default DEFAULT_IDLE_TIMEOUT_MS). */
  idleTimeoutMs?: number;
  /** Aborting it (Ctrl-C) stops a read from a named pipe. */
  signal?: AbortSignal;
}

export type InputKind = 'file' | 'fifo';

/** `44.0 MB`, `512 KiB`: sizes in messages. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** What `file` is: a regular file (and its size) or a named pipe; anything else is an InputFileError. */
export async function inspectInput(file: string, limits: Pick<InputLimits, 'maxBytes' | 'what'>): Promise<{ kind: InputKind; size: number }> {
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputFileError(file, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'no permission to read it' : `cannot read it: ${(err as Error).message}`);
  }
  if (info.isDirectory()) throw new InputFileError(file, `is a folder, not ${limits.what}`);
  if (info.isFIFO()) return { kind: 'fifo', size: 0 };
  if (!info.isFile()) throw new InputFileError(file, `is not a regular file (a device or a socket), not ${limits.what}`);
  if (info.size > limits.maxBytes) {
    throw new InputFileError(file, `is ${formatBytes(info.size)}, larger than ${limits.what} may be (${formatBytes(limits.maxBytes)}): refused before reading it`);
  }
  return { kind: 'file', size: info.size };
}

/**
 * Streams a named pipe chunk by chunk to `onChunk`, on the event loop: each wait for data has a deadline
 * (`idleTimeoutMs`), the total is bounded by `maxBytes`, and `signal` stops it at once.
 */
export async function readPipe(file: string, limits: InputLimits, onChunk: (chunk: Buffer) => void | Promise<void>): Promise<number> {
  const idleMs = limits.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  if (limits.signal?.aborted) throw new ReadInterruptedError(file);
  let fd: number;
  try {
    // O_NONBLOCK: opening a pipe nobody writes to returns at once instead of blocking the whole process.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new InputFileError(file, `cannot open it: ${(err as Error).message}`);
  }
  const pipe = new net.Socket({ fd, readable: true, writable: false });
  let total = 0;
  return new Promise<number>((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: Error | null): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      pipe.destroy();
      if (err) reject(err);
      else resolve(total);
    };
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(
        () => finish(new InputFileError(file, `nothing arrived on this pipe for ${idleMs / 1000} s${total === 0 ? ' (is anything writing to it?)' : ` after ${formatBytes(total)}`}`)),
        idleMs,
      );
    };
    const onAbort = (): void => finish(new ReadInterruptedError(file));
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    pipe.on('data', (chunk: Buffer) => {
      if (done) return;
      total += chunk.length;
      if (total > limits.maxBytes) {
        finish(new InputFileError(file, `more than ${formatBytes(limits.maxBytes)} arrived on this pipe, more than ${limits.what} may be`));
        return;
      }
      arm();
      let pending: void | Promise<void>;
      try {
        pending = onChunk(chunk);
      } catch (err) {
        finish(err as Error);
        return;
      }
      if (pending) {
        pipe.pause();
        pending.then(
          () => {
            if (!done) pipe.resume();
          },
          (err: unknown) => finish(err as Error),
        );
      }
    });
    pipe.on('end', () => finish(null));
    pipe.on('error', (err) => finish(new InputFileError(file, `cannot read it: ${err.message}`)));
    arm();
  });
}

/** The whole text of an input file, bounded in size (and, for a named pipe, in time). */
export async function readInputText(file: string, limits: InputLimits): Promise<string> {
  const { kind } = await inspectInput(file, limits);
  if (kind === 'fifo') {
    const chunks: Buffer[] = [];
    await readPipe(file, limits, (chunk) => void chunks.push(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputFileError(file, `cannot read it: ${(err as Error).message}`);
  }
  // The file may have grown between stat and read.
  if (Buffer.byteLength(text) > limits.maxBytes) throw new InputFileError(file, `is larger than ${limits.what} may be (${formatBytes(limits.maxBytes)})`);
  return text;
}

/** Copies a named pipe into `to` (a regular file), under the same bounds; returns the bytes copied. */
export async function spoolPipe(file: string, to: string, limits: InputLimits): Promise<number> {
  const out = createWriteStream(to, { flags: 'wx' });
  try {
    const bytes = await readPipe(file, limits, async (chunk) => {
      if (!out.write(chunk)) await once(out, 'drain');
    });
    out.end();
    await once(out, 'close');
    return bytes;
  } catch (err) {
    out.destroy();
    throw err;
  }
}
