// Appends the run history as JSON lines to `history.jsonl` in the run folder, in bounded memory.
//
// Records are serialised into a small in-memory chunk (64 KiB) that goes to a file stream; the stream
// is backpressure-aware: `append()` returns false once more than `highWaterMark` bytes wait to reach the
// disk, and `drained()` resolves when they have (the Node stream idiom). Nothing is ever dropped.
//
// Compression (the `compress` option):
//   'auto' (default)  write plain `history.jsonl` during the run (no gzip CPU on the traffic's event
//                     loop); on close(), if it grew past `compressAboveBytes` (20 MB), gzip it to
//                     `history.jsonl.gz` and remove the plain file.
//   'always'          gzip while writing, straight to `history.jsonl.gz`.
//   'never'           plain `history.jsonl` whatever its size.
// The reader (reader.ts) reads either file.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, type Writable } from 'node:stream';
import { constants as zlibConstants, createGzip, type ZlibOptions } from 'node:zlib';
import type { HistoryRecord } from './record.ts';
import { stringifyMasked } from '../../services/common/pan.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';

export const HISTORY_FILE = 'history.jsonl';
export const HISTORY_FILE_GZ = 'history.jsonl.gz';

export interface HistoryWriterOptions {
  /** The run folder (created if missing). */
  dir: string;
  compress?: 'auto' | 'always' | 'never';
  /** With compress 'auto': gzip on close when the file is larger than this. Default 20 MB. */
  compressAboveBytes?: number;
  /** Bytes waiting for the disk before append() returns false. Default 8 MiB. */
  highWaterMark?: number;
  /** Records are handed to the stream in chunks of about this size. Default 64 KiB. */
  chunkBytes?: number;
  /** A partial chunk is handed over at least this often, so a crash loses little. Default 1000 ms. */
  flushIntervalMs?: number;
}

export interface HistoryFileInfo {
  /** The file holding the history after close(). */
  path: string;
  records: number;
  /** Uncompressed JSONL bytes. */
  bytes: number;
  compressed: boolean;
}

export class HistoryWriter {
  private readonly file: WriteStream;
  /** What records are written to: the file, or the gzip stream in front of it. */
  private readonly sink: Writable;
  private readonly plainPath: string;
  private readonly gzPath: string;
  private readonly compress: 'auto' | 'always' | 'never';
  private readonly compressAbove: number;
  private readonly highWaterMark: number;
  private readonly chunkBytes: number;
  private readonly timer: NodeJS.Timeout;
  private chunk: string[] = [];
  private chunkLength = 0;
  private recordCount = 0;
  private byteCount = 0;
  private failure: Error | null = null;
  private closed = false;
  private readonly finished: Promise<void>;

  constructor(options: HistoryWriterOptions) {
    this.compress = options.compress ?? 'auto';
    this.compressAbove = options.compressAboveBytes ?? 20 * 1024 * 1024;
    this.highWaterMark = options.highWaterMark ?? 8 * 1024 * 1024;
    this.chunkBytes = options.chunkBytes ?? 64 * 1024;
    this.plainPath = join(options.dir, HISTORY_FILE);
    this.gzPath = join(options.dir, HISTORY_FILE_GZ);
    // The streams' own high-water marks are ours, so write() returning false and 'drain' line up with them.
    this.file = createWriteStream(this.compress === 'always' ? this.gzPath : this.plainPath, { highWaterMark: this.highWaterMark });
    this.file.on('error', (err) => this.fail(err));
    if (this.compress === 'always') {
      // zlib streams take the Transform options too (the typings omit highWaterMark).
      const gzipOptions: ZlibOptions & { highWaterMark: number } = { level: 6, flush: zlibConstants.Z_NO_FLUSH, highWaterMark: this.highWaterMark };
      const gzip = createGzip(gzipOptions);
      gzip.on('error', (err) => this.fail(err));
      gzip.pipe(this.file);
      this.sink = gzip;
    } else {
      this.sink = this.file;
    }
    this.finished = new Promise<void>((resolve, reject) => {
      this.file.once('close', resolve);
      this.file.once('error', reject);
    });
    this.finished.catch(() => undefined);
    this.timer = setInterval(() => this.flushChunk(), options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Creates the run folder and opens the writer. */
  static async open(options: HistoryWriterOptions): Promise<HistoryWriter> {
    await mkdir(options.dir, { recursive: true });
    return new HistoryWriter(options);
  }

  /**
   * Appends one record. Returns false when the disk is behind by more than the high-water mark:
   * the caller should `await writer.drained()` before appending much more.
   */
  append(record: HistoryRecord): boolean {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('history writer is closed');
    // No full card number is ever written: a PAN in a replayed id or account id is masked (last four kept).
    const line = stringifyMasked(record) + '\n';
    this.chunk.push(line);
    this.chunkLength += line.length;
    this.recordCount++;
    if (this.chunkLength >= this.chunkBytes) this.flushChunk();
    return !this.sink.writableNeedDrain;
  }

  /** True while more than the high-water mark waits for the disk (until the stream drains). */
  get backpressured(): boolean {
    return this.sink.writableNeedDrain;
  }

  /** Resolves when the bytes waiting for the disk are below the high-water mark again. */
  drained(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.backpressured) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: Error): void => {
        this.sink.off('drain', done);
        this.file.off('error', done);
        if (err || this.failure) reject(this.failure ?? err);
        else resolve();
      };
      this.sink.once('drain', done);
      this.file.once('error', done);
    });
  }

  get records(): number {
    return this.recordCount;
  }

  /** Uncompressed bytes handed over so far (excluding the partial chunk). */
  get bytes(): number {
    return this.byteCount;
  }

  /** Flushes everything, closes the file, compresses it if it is large (compress 'auto'). */
  async close(): Promise<HistoryFileInfo> {
    if (this.closed) throw new Error('history writer is already closed');
    clearInterval(this.timer);
    this.flushChunk();
    this.closed = true;
    this.sink.end();
    await this.finished;
    if (this.failure) throw this.failure;
    let path = this.compress === 'always' ? this.gzPath : this.plainPath;
    let compressed = this.compress === 'always';
    if (this.compress === 'auto' && (await stat(this.plainPath)).size > this.compressAbove) {
      // Whole or not at all: on a full disk the plain history stays and no cut .gz is left beside it.
      await writeFileAtomic(this.gzPath, pipeline(createReadStream(this.plainPath), createGzip({ level: 6 }), () => {}));
      await unlink(this.plainPath);
      path = this.gzPath;
      compressed = true;
    }
    return { path, records: this.recordCount, bytes: this.byteCount, compressed };
  }

  private flushChunk(): void {
    if (this.chunkLength === 0 || this.failure) return;
    const text = this.chunk.length === 1 ? this.chunk[0] : this.chunk.join('');
    this.chunk = [];
    this.chunkLength = 0;
    this.byteCount += Buffer.byteLength(text);
    this.sink.write(text);
  }

  private fail(err: Error): void {
    if (!this.failure) this.failure = new Error(`writing the run history failed: ${err.message}`, { cause: err });
  }
}
