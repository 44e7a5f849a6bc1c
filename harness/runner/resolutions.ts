// After the checkers resolved the unknown authorizations against the ledger, write each resolution into
// the history file (streamed through a temporary file renamed into place, so memory stays bounded and a failed
// rewrite leaves the old file whole).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { pipeline, Readable } from 'node:stream';
import { writeFileAtomic } from '../files/atomic-write.ts';
import type { HistoryRecord } from '../history/record.ts';
import { redactCardNumbers, stringifyMasked } from '../../services/common/pan.ts';

export async function rewriteHistoryResolutions(file: string, raw: ReadonlyMap<string, 'held' | 'not_held'>): Promise<void> {
  // The history holds ids as written (a card number in an id masked), so look them up the same way.
  const resolutions = new Map([...raw].map(([id, r]) => [redactCardNumbers(id), r]));
  const gz = file.endsWith('.gz');
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
  // Through a temporary file renamed into place: a full disk leaves the history as it was.
  // pipeline() hands a failure of the source on to the gzip stream, so the write fails instead of waiting.
  await writeFileAtomic(file, gz ? pipeline(source, createGzip(), () => {}) : source);
}
