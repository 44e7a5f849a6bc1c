import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedAccounts } from '../../../services/common/accounts.ts';
import { planTraffic } from '../../../harness/traffic/requests/generator.ts';
import { readReplay, ReplayError, replayLine, validateReplay, writeReplay } from '../../../harness/traffic/requests/replay.ts';
import { runOpenModel } from '../../../harness/traffic/load/open-model.ts';
import { traffic } from '../helpers.ts';

const accounts = seedAccounts(1, 200);

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-replay-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const goodAuth = {
  id: 'auth-1',
  account_id: 'acc-000001',
  card: { token: 'tok_abc123', last4: '4242' },
  amount: { value: 1250, currency: 'GBP' },
  merchant: { name: 'Bob\'s <Café> & "Bar"', mcc: '5812', country: 'GB' },
  channel: 'contactless',
};

async function expectReplayError(file: string, line: number, field: string, reason?: RegExp): Promise<ReplayError> {
  const err = await readReplay(file).then(
    () => assert.fail('expected a ReplayError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ReplayError, `not a ReplayError: ${String(err)}`);
  assert.equal(err.file, file);
  assert.equal(err.line, line);
  assert.equal(err.field, field);
  if (reason) assert.match(err.reason, reason);
  assert.ok(err.message.startsWith(`${file}:${line}: ${field}:`), err.message);
  return err;
}

test('writeReplay then readReplay gives the same requests back', async () => {
  await withDir(async (dir) => {
    const plan = planTraffic({ seed: 8, traffic: traffic({ rate: 500, duration_s: 8 }), accounts });
    const file = join(dir, 'nested', 'run.jsonl');
    const written = await writeReplay(plan, file);
    assert.equal(written, 4000);
    const replay = await readReplay(file);
    assert.equal(replay.info.requests, 4000);
    assert.deepEqual([...replay], [...plan]);
    // Iterating twice streams the file twice.
    assert.equal([...replay].length, 4000);
    const text = await readFile(file, 'utf8');
    assert.equal(text.split('\n').length, 4001);
    assert.equal(text.split('\n')[0], replayLine([...plan][0]!));
  });
});

test('a line with a bad field is rejected naming file, line and field, before anything is sent', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'bad.jsonl');
    const lines = [
      JSON.stringify({ offset_ms: 0, kind: 'authorization', body: goodAuth }),
      JSON.stringify({ offset_ms: 5, kind: 'balance', account_id: 'acc-000002' }),
      JSON.stringify({ offset_ms: 9, kind: 'authorization', body: { ...goodAuth, amount: { value: '12.50', currency: 'GBP' } } }),
      JSON.stringify({ offset_ms: 10, kind: 'authorization', body: goodAuth }),
    ];
    await writeFile(file, `${lines.join('\n')}\n`);
    let sent = 0;
    const err = await readReplay(file)
      .then((plan) => runOpenModel({ requests: plan, send: async () => void sent++ }))
      .then(
        () => assert.fail('expected a ReplayError'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof ReplayError);
    assert.equal(err.line, 3);
    assert.equal(err.field, 'body.amount.value');
    assert.match(err.message, /bad\.jsonl:3: body\.amount\.value: must be integer/);
    assert.equal(sent, 0, 'nothing may be sent when a line is bad');
  });
});

test('a line that is not JSON is rejected with its line number', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'notjson.jsonl');
    await writeFile(file, `${JSON.stringify({ offset_ms: 0, kind: 'feed', account_id: 'acc-1' })}\n\n{"offset_ms": 3, "kind": "balance", oops}\n`);
    await expectReplayError(file, 3, '(line)', /not JSON/);
  });
});

test('missing, unknown and out-of-range fields are named', async () => {
  await withDir(async (dir) => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ offset_ms: 0, kind: 'authorization', body: { ...goodAuth, card: { token: 'tok_abc123' } } }, 'body.card.last4', /required/],
      [{ offset_ms: 0, kind: 'authorization', body: { ...goodAuth, card: { token: 'tok_abc123', last4: '4242', pan: '4111111111111111' } } }, 'body.card.pan', /not a known field/],
      [{ offset_ms: 0, kind: 'authorization', body: { ...goodAuth, channel: 'pigeon' } }, 'body.channel', /allowed/],
      [{ offset_ms: -1, kind: 'balance', account_id: 'acc-1' }, 'offset_ms', />=/],
      [{ offset_ms: 0, kind: 'refund', account_id: 'acc-1' }, 'kind', /one of/],
      [{ offset_ms: 0, account_id: 'acc-1' }, 'kind', /required/],
      [{ offset_ms: 0, kind: 'reversal', body: { id: 'r1', authorization_id: 'a1', account_id: 'acc-1' } }, 'body.amount', /required/],
      [{ offset_ms: 0, kind: 'feed', account_id: 'acc 1' }, 'account_id', /pattern/],
      [[1, 2], '(line)', /object/],
    ];
    for (const [i, [line, field, reason]] of cases.entries()) {
      const file = join(dir, `case-${i}.jsonl`);
      await writeFile(file, `${JSON.stringify({ offset_ms: 0, kind: 'balance', account_id: 'acc-1' })}\n${JSON.stringify(line)}\n`);
      await expectReplayError(file, 2, field, reason);
    }
  });
});

test('offsets may not go back in time; an empty file and a missing file are errors', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'order.jsonl');
    await writeFile(file, [10, 20, 15].map((o) => JSON.stringify({ offset_ms: o, kind: 'balance', account_id: 'acc-1' })).join('\n'));
    await expectReplayError(file, 3, 'offset_ms', /back in time/);
    const empty = join(dir, 'empty.jsonl');
    await writeFile(empty, '\n\n');
    await expectReplayError(empty, 0, '(file)', /no requests/);
    await expectReplayError(join(dir, 'absent.jsonl'), 0, '(file)', /no such file/);
  });
});

test('speed scales offsets (offset / speed); lines without id get one; CRLF and a BOM are accepted', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'speed.jsonl');
    const lines = [0, 100, 250, 1000].map((o, i) => JSON.stringify({ offset_ms: o, kind: i % 2 ? 'feed' : 'balance', account_id: `acc-${i}` }));
    await writeFile(file, `\ufeff${lines.join('\r\n')}\r\n`);
    const normal = [...(await readReplay(file))];
    assert.deepEqual(normal.map((r) => r.offset_ms), [0, 100, 250, 1000]);
    assert.deepEqual(normal.map((r) => (r.kind === 'balance' || r.kind === 'feed' ? r.id : '')), ['bal-replay-1', 'feed-replay-2', 'bal-replay-3', 'feed-replay-4']);
    const fast = await readReplay(file, { speed: 4 });
    assert.deepEqual([...fast].map((r) => r.offset_ms), [0, 25, 62.5, 250]);
    assert.equal(fast.duration_ms, 250);
    const slow = await readReplay(file, { speed: 0.5 });
    assert.deepEqual([...slow].map((r) => r.offset_ms), [0, 200, 500, 2000]);
    await assert.rejects(readReplay(file, { speed: 0 }), /speed/);
    const info = await validateReplay(file);
    assert.deepEqual(info.kinds, { authorization: 0, reversal: 0, balance: 2, feed: 2, conflicting_retry: 0 });
    assert.equal(info.last_offset_ms, 1000);
  });
});

test('the open model sends a replay at its scaled times', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'timed.jsonl');
    const lines = [0, 200, 400].map((o) => JSON.stringify({ offset_ms: o, kind: 'balance', account_id: 'acc-1' }));
    await writeFile(file, lines.join('\n'));
    const at: number[] = [];
    const result = await runOpenModel({ requests: await readReplay(file, { speed: 2 }), send: async (_r, t) => void at.push(t.sent_ms) });
    assert.equal(result.sent, 3);
    assert.ok((at[2] as number) >= 199 && (at[2] as number) < 400, `third send at ${at[2]} ms, expected ~200`);
  });
});
