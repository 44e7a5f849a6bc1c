// Streams a run history back, record by record, from `history.jsonl` or `history.jsonl.gz`
// (gzip is recognised by its magic bytes, whatever the file is called).
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { HistoryRecord } from './record.ts';
import { HISTORY_FILE, HISTORY_FILE_GZ } from './writer.ts';
import { isGzip } from '../files/is-gzip.ts';

export class HistoryReadError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'HistoryReadError';
  }
}

/** The history file in a run folder: the compressed one when both exist. Throws naming the folder if none. */
export async function historyPath(dir: string): Promise<string> {
  for (const name of [HISTORY_FILE_GZ, HISTORY_FILE]) {
    const path = join(dir, name);
    try {
      await access(path);
      return path;
    } catch {
      // try the next name
    }
  }
  throw new Error(`no ${HISTORY_FILE} or ${HISTORY_FILE_GZ} in ${dir}`);
}


function parseLine(file: string, lineNo: number, line: string): HistoryRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new HistoryReadError(file, lineNo, `not JSON (${(err as Error).message})`);
  }
  const r = value as Partial<HistoryRecord> | null;
  if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new HistoryReadError(file, lineNo, 'not a JSON object');
  if (typeof r.id !== 'string') throw new HistoryReadError(file, lineNo, 'field "id" must be a string');
  if (typeof r.kind !== 'string') throw new HistoryReadError(file, lineNo, 'field "kind" must be a string');
  if (typeof r.outcome !== 'string') throw new HistoryReadError(file, lineNo, 'field "outcome" must be a string');
  if (typeof r.intended_ms !== 'number') throw new HistoryReadError(file, lineNo, 'field "intended_ms" must be a number');
  return value as HistoryRecord;
}

/** Reads a history file (plain or gzip) as an async iterator of records. Blank lines are skipped. */
export async function* readHistory(path: string): AsyncGenerator<HistoryRecord> {
  const gz = await isGzip(path);
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  const stream: Readable = gz ? file.pipe(createGunzip()) : file;
  if (gz) file.on('error', (err) => stream.destroy(err));
  stream.setEncoding('utf8');
  let rest = '';
  let lineNo = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        lineNo++;
        const line = text.slice(start, nl);
        start = nl + 1;
        if (line.trim() !== '') yield parseLine(path, lineNo, line);
      }
      rest = text.slice(start);
    }
    if (rest.trim() !== '') yield parseLine(path, lineNo + 1, rest);
  } finally {
    stream.destroy();
    file.destroy();
  }
}

/** Reads the history of a run folder (history.jsonl.gz or history.jsonl). */
export async function* readRunHistory(dir: string): AsyncGenerator<HistoryRecord> {
  yield* readHistory(await historyPath(dir));
}
