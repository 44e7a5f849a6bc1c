// After the checkers resolved the unknown authorizations against the ledger, write each resolution into
// the history file (streamed through a temporary file, so memory stays bounded).
import { createReadStream, createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { HistoryRecord } from '../history/record.ts';
import { redactCardNumbers, stringifyMasked } from '../../services/common/pan.ts';

export async function rewriteHistoryResolutions(file: string, raw: ReadonlyMap<string, 'held' | 'not_held'>): Promise<void> {
  // The history holds ids as written (a card number in an id masked), so look them up the same way.
  const resolutions = new Map([...raw].map(([id, r]) => [redactCardNumbers(id), r]));
  const gz = file.endsWith('.gz');
  const tmp = `${file}.tmp`;
  const input = gz ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
  const lines = createInterface({ input, crlfDelay: Infinity });
  async function* rewritten(): AsyncGenerator<string> {
    for await (const line of lines) {
      if (!line) continue;
      const record = JSON.parse(line) as HistoryRecord;
      if (record.kind === 'authorization' && record.outcome === 'unknown') {
        const r = resolutions.get(record.id);
        if (r) record.resolution = r;
      }
      yield stringifyMasked(record) + '\n';
    }
  }
  const source = Readable.from(rewritten());
  if (gz) await pipeline(source, createGzip(), createWriteStream(tmp));
  else await pipeline(source, createWriteStream(tmp));
  await rename(tmp, file);
}
