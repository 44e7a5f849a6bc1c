import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { HistoryWriter } from '../../harness/history/writer.ts';
import { historyPath, readHistory, readRunHistory } from '../../harness/history/reader.ts';
import type { HistoryRecord } from '../../harness/history/record.ts';

function record(i: number): HistoryRecord {
  return {
    id: `auth-${i}`,
    kind: 'authorization',
    account_id: `acc-${String(i % 10).padStart(6, '0')}`,
    amount: 100 + i,
    currency: 'GBP',
    card_last4: '4242',
    intended_ms: i,
    sent_ms: i,
    latency_ms: 1.25,
    outcome: i % 7 === 0 ? 'failed' : 'approved',
    status: i % 7 === 0 ? 0 : 200,
    ...(i % 7 === 0 ? { error: { hop: 'processor->ledger' as const, cause: 'reset' as const } } : {}),
    faults: i % 3 === 0 ? ['ledger-latency'] : [],
    late: false,
    attempts: 1,
  };
}

async function collect(it: AsyncIterable<HistoryRecord>): Promise<HistoryRecord[]> {
  const out: HistoryRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-history-'));
  try {
    await fn(join(dir, 'run'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('history: a small run stays plain JSONL and reads back record for record', { timeout: 10_000 }, () =>
  withDir(async (dir) => {
    const writer = await HistoryWriter.open({ dir, chunkBytes: 1024 });
    const records = Array.from({ length: 2000 }, (_, i) => record(i));
    for (const r of records) writer.append(r);
    const info = await writer.close();
    assert.equal(info.path, join(dir, 'history.jsonl'));
    assert.equal(info.compressed, false);
    assert.equal(info.records, 2000);
    assert.equal(info.bytes, (await stat(info.path)).size);
    const text = await readFile(info.path, 'utf8');
    assert.equal(text.split('\n').length, 2001);
    assert.deepEqual(await collect(readRunHistory(dir)), records);
  }));

test('history: past the size limit it is gzipped on close (auto), and read back the same', { timeout: 10_000 }, () =>
  withDir(async (dir) => {
    const writer = await HistoryWriter.open({ dir, compressAboveBytes: 10_000 });
    const records = Array.from({ length: 500 }, (_, i) => record(i));
    for (const r of records) writer.append(r);
    const info = await writer.close();
    assert.equal(info.path, join(dir, 'history.jsonl.gz'));
    assert.equal(info.compressed, true);
    assert.equal(existsSync(join(dir, 'history.jsonl')), false, 'the plain file is removed');
    assert.equal(await historyPath(dir), info.path);
    assert.equal(gunzipSync(await readFile(info.path)).length, info.bytes);
    assert.deepEqual(await collect(readHistory(info.path)), records);
  }));

test('history: compress always writes gzip directly', { timeout: 10_000 }, () =>
  withDir(async (dir) => {
    const writer = await HistoryWriter.open({ dir, compress: 'always' });
    writer.append(record(1));
    writer.append(record(2));
    const info = await writer.close();
    assert.equal(info.compressed, true);
    assert.deepEqual(await collect(readHistory(info.path)), [record(1), record(2)]);
  }));

test('history: append reports backpressure and drained() resolves once the disk caught up', { timeout: 10_000 }, () =>
  withDir(async (dir) => {
    const writer = await HistoryWriter.open({ dir, highWaterMark: 4096, chunkBytes: 512 });
    let sawBackpressure = false;
    for (let i = 0; i < 5000; i++) {
      if (!writer.append(record(i))) {
        sawBackpressure = true;
        await writer.drained();
        assert.equal(writer.backpressured, false);
      }
    }
    assert.ok(sawBackpressure, 'a tiny high-water mark must push back');
    const info = await writer.close();
    assert.equal(info.records, 5000);
    assert.equal((await collect(readHistory(info.path))).length, 5000);
  }));

test('history: a bad line is an error naming the file and the line', { timeout: 10_000 }, () =>
  withDir(async (dir) => {
    const writer = await HistoryWriter.open({ dir });
    writer.append(record(1));
    await writer.close();
    const path = join(dir, 'history.jsonl');
    await writeFile(path, JSON.stringify(record(1)) + '\n\n{"id": "x", oops}\n');
    await assert.rejects(collect(readHistory(path)), new RegExp(`${path}:3: not JSON`));
    await writeFile(path, '{"id": 5, "kind": "authorization"}\n');
    await assert.rejects(collect(readHistory(path)), new RegExp(`${path}:1: field "id" must be a string`));
  }));

test('history: a folder without a history is an error naming it', { timeout: 10_000 }, () =>
  withDir(async (dir) => {
    await assert.rejects(historyPath(dir), /no history\.jsonl or history\.jsonl\.gz in/);
  }));
