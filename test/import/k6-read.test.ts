// Reading k6's JSON output (harness/import/k6/): each request the script recorded becomes the history record
// faultline's card network would have written (stand-in off); anything that is not k6's documented format, or
// not what the script writes, is a K6InputError naming the file, the line and what is wrong; the reading is
// bounded (line length, total size) and stops when its signal aborts.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import type { HistoryRecord } from '../../harness/history/record.ts';
import { K6InputError } from '../../harness/import/k6/lines.ts';
import { readK6Files, type K6ReadOptions } from '../../harness/import/k6/read-k6.ts';
import { scheduledFaults } from '../../harness/import/k6/to-record.ts';
import { K6JsonWriter } from '../support/k6-sender.ts';

const START = Date.parse('2025-03-01T10:00:00Z');
const DECLARATION = {
  format: 'faultline.k6/1',
  faultline_scenario: 'k6-read',
  faultline_seed: '3',
  standin: 'none',
  advices: 'none',
  timeout_reversals: 'none',
  conflicting_retries: 'none',
  intended: 'scheduled',
};

interface Req {
  tags: Record<string, string>;
  meta: Record<string, string>;
  latency?: number;
}

const auth = (id: string, tags: Record<string, string>, meta: Record<string, string> = {}): Req => ({
  tags: { kind: 'authorization', ...tags },
  meta: { id, account: 'acc-000001', amount: '1250', currency: 'GBP', last4: '4242', start: String(START), sent: '105', intended: '100', ...meta },
});

function k6File(requests: Req[], extra?: (k6: K6JsonWriter) => void): string {
  const k6 = new K6JsonWriter();
  k6.point('faultline_run', 1, DECLARATION, undefined, START - 50);
  k6.point('vus', 1, null, undefined, START);
  for (const r of requests) {
    k6.point('http_req_duration', 3, { name: 'POST /v1/authorizations', status: r.tags.status ?? '200', scenario: 'payments' }, undefined, START + 110);
    k6.point('faultline_request', r.latency ?? 12.5, { scenario: 'payments', ...r.tags }, r.meta, START + 117);
  }
  extra?.(k6);
  return k6.lines.join('\n') + '\n';
}

describe('reading k6 JSON output', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-k6-read-'));
  });

  const file = async (name: string, text: string | Buffer): Promise<string> => {
    const p = path.join(dir, name);
    await writeFile(p, text);
    return p;
  };
  const read = async (files: string[], options: Partial<K6ReadOptions> = {}): Promise<{ records: HistoryRecord[]; result: Awaited<ReturnType<typeof readK6Files>> }> => {
    const records: HistoryRecord[] = [];
    const result = await readK6Files(files, { faultsAt: scheduledFaults([{ name: 'slow-ledger', start_s: 0, end_s: 1 }]), onRecord: (r) => void records.push(r), ...options });
    return { records, result };
  };
  const problem = async (text: string | Buffer, options: Partial<K6ReadOptions> = {}): Promise<K6InputError> => {
    const p = await file(`bad-${Math.random().toString(36).slice(2)}.json`, text);
    try {
      await read([p], options);
    } catch (err) {
      assert.ok(err instanceof K6InputError, String(err));
      return err;
    }
    assert.fail('read without an error');
  };

  it('turns each request into the record faultline\'s card network would write with stand-in off', async () => {
    const p = await file(
      'ok.json',
      k6File([
        auth('auth-1', { status: '200', decision: 'approved' }, { reason: 'ok', attempts: '1' }),
        auth('auth-2', { status: '200', decision: 'declined' }, { reason: 'insufficient_funds', token: 'tok_ab12' }),
        // The processor gave up on the ledger after sending the hold: it may have been held.
        auth('auth-3', { status: '504' }, { hop: 'processor->ledger', cause: 'timeout', attempts: '2' }),
        // Discovery failed: nothing was sent to the ledger.
        auth('auth-4', { status: '503' }, { hop: 'processor->discovery', cause: 'discovery_null' }),
        auth('auth-5', { status: '0', error_code: '1050' }),
        auth('auth-6', { status: '0', error_code: '1212' }),
        { tags: { kind: 'reversal', status: '200' }, meta: { id: 'rev-1', account: 'acc-000002', authorization_id: 'auth-1', amount: '1250', currency: 'GBP', result: 'released', start: String(START), sent: '1500', intended: '1400' } },
        { tags: { kind: 'balance', status: '0', error_code: '1050' }, meta: { id: 'app-1', account: 'acc-000003', start: String(START), sent: '1601', intended: '1600' } },
      ]),
    );
    const { records, result } = await read([p]);
    assert.equal(result.requests, 8);
    assert.equal(result.startEpochMs, START);
    assert.equal(result.intendedKnown, true);
    assert.deepEqual(result.declaration, { format: 'faultline.k6/1', scenario: 'k6-read', seed: 3, notDone: ['standin', 'advices', 'timeout_reversals', 'conflicting_retries'] });
    const byId = new Map(records.map((r) => [r.id, r]));
    assert.deepEqual(byId.get('auth-1'), {
      id: 'auth-1',
      account_id: 'acc-000001',
      intended_ms: 100,
      sent_ms: 105,
      latency_ms: 12.5,
      status: 200,
      faults: ['slow-ledger'],
      late: false,
      kind: 'authorization',
      amount: 1250,
      currency: 'GBP',
      card_last4: '4242',
      outcome: 'approved',
      issuer_decision: 'approved',
      reason: 'ok',
      attempts: 1,
    });
    assert.equal(byId.get('auth-2')?.outcome, 'declined');
    assert.equal(byId.get('auth-2')?.card_token, 'tok_ab12');
    assert.deepEqual([byId.get('auth-3')?.outcome, byId.get('auth-3')?.error, byId.get('auth-3')?.attempts], ['unknown', { hop: 'processor->ledger', cause: 'timeout' }, 2]);
    assert.deepEqual([byId.get('auth-4')?.outcome, byId.get('auth-4')?.error], ['failed', { hop: 'processor->discovery', cause: 'discovery_null' }]);
    assert.deepEqual([byId.get('auth-5')?.outcome, byId.get('auth-5')?.error], ['unknown', { hop: 'network->processor', cause: 'timeout' }]);
    assert.deepEqual([byId.get('auth-6')?.outcome, byId.get('auth-6')?.error], ['failed', { hop: 'network->processor', cause: 'connection_refused' }]);
    assert.deepEqual([byId.get('rev-1')?.outcome, byId.get('rev-1')?.reason, byId.get('rev-1')?.authorization_id, byId.get('rev-1')?.faults], ['ok', 'released', 'auth-1', []]);
    assert.deepEqual([byId.get('app-1')?.kind, byId.get('app-1')?.outcome, byId.get('app-1')?.error], ['balance', 'error', { hop: 'app->feed', cause: 'timeout' }]);
  });

  it('reads gzipped output (k6 --out json=x.gz) the same; dropped iterations are counted', async () => {
    const text = k6File([auth('auth-1', { status: '200', decision: 'approved' })], (k6) => {
      k6.point('dropped_iterations', 1, { scenario: 'payments' });
      k6.point('dropped_iterations', 1, { scenario: 'payments' });
    });
    const { records, result } = await read([await file('out.json.gz', gzipSync(text))]);
    assert.equal(records.length, 1);
    assert.equal(result.droppedIterations, 2);
    const cut = gzipSync(text).subarray(0, 60);
    assert.match((await problem(cut)).message, /not a valid gzip stream|not JSON/);
  });

  it('every malformed line is an error naming the file, the line and what is wrong', async () => {
    const good = k6File([auth('auth-1', { status: '200', decision: 'approved' })]).split('\n');
    const cases: Array<[string, (lines: string[]) => void, RegExp, number]> = [
      ['cut short', (l) => (l[3] = (l[3] as string).slice(0, 30)), /not JSON/, 4],
      ['blank line', (l) => l.splice(2, 0, ''), /an empty line/, 3],
      ['not an object', (l) => (l[1] = '[1,2]'), /not a JSON object/, 2],
      ['unknown type', (l) => (l[1] = (l[1] as string).replace('"Point"', '"Sample"')), /"type" must be "Metric" or "Point", got "Sample"/, 2],
      ['bad time', (l) => (l[1] = (l[1] as string).replace(/"time":"[^"]+"/, '"time":"yesterday"')), /"data.time" must be an RFC 3339 time/, 2],
      ['point before its Metric line', (l) => l.splice(0, 1), /a point of faultline_run before its Metric line/, 1],
      ['a request metric of another type', (l) => (l[6] = (l[6] as string).replace('"trend"', '"counter"')), /metric faultline_request must be a trend, got counter/, 7],
    ];
    for (const [what, edit, message, line] of cases) {
      const lines = [...good];
      edit(lines);
      const err = await problem(lines.join('\n'));
      assert.equal(err.line, line, `${what}: ${err.message}`);
      assert.match(err.message, message, what);
      assert.match(err.message, new RegExp(`\\.json:${line}: `), what);
    }
  });

  it('a request point missing a field, or with a card number in it, is refused naming the field', async () => {
    const cases: Array<[Req, RegExp]> = [
      [auth('auth-1', { status: '200' }, { amount: '' }), /"amount" is missing/],
      [auth('auth-1', { status: '200' }, { amount: '12.5' }), /"amount" must be an integer amount in minor units, got "12.5"/],
      [auth('auth-1', { status: '200' }, { last4: '4111111111111111' }), /"last4" must be the card's last four digits/],
      [auth('4111111111111111', { status: '200' }), /"id" looks like a card number/],
      [auth('auth-1', { status: '200', decision: 'declined' }, { token: '4111111111111111' }), /"token" looks like a card number/],
      [auth('auth-1', { status: '700' }), /"status" must be an HTTP status/],
      [{ ...auth('auth-1', { status: '200' }), tags: { kind: 'advice', status: '200' } }, /"kind" must be authorization \| reversal \| balance \| feed, got "advice"/],
      [{ ...auth('auth-1', { status: '200' }), latency: -3 }, /"data.value" \(the latency in ms\) must not be negative/],
    ];
    for (const [req, message] of cases) {
      const err = await problem(k6File([req]));
      assert.equal(err.line, 8, err.message);
      assert.match(err.message, message);
      assert.doesNotMatch(err.message, /4111111111111111/, 'the card number is not repeated');
    }
    const mixed = await problem(k6File([auth('auth-1', { status: '200' }), auth('auth-2', { status: '200' }, { intended: '' })]));
    assert.match(mixed.message, /has no "intended" .* but the first one .* did: mixed scripts/);
  });

  it('a missing field is derived when something else says it for certain, and counted; else it is refused naming the field', async () => {
    const seeded = new Map([['acc-000001', { currency: 'GBP', card_last4: '4242' }]]);
    const p = await file(
      'derived.json',
      k6File([
        // Currency and last four from the seeded account; the decision from the issuer's reason.
        auth('auth-1', { status: '200' }, { currency: '', last4: '', reason: 'insufficient_funds' }),
        // No status, but k6's error code: no answer (status 0), a timeout that may have been held.
        { ...auth('auth-2', { error_code: '1050' }), latency: 40 },
        // No send time: the scheduled one (taken as on time).
        auth('auth-3', { status: '200', decision: 'approved' }, { sent: '' }),
      ]),
    );
    const { records, result } = await read([p], { account: (id) => seeded.get(id) });
    const byId = new Map(records.map((r) => [r.id, r]));
    assert.deepEqual([byId.get('auth-1')?.currency, byId.get('auth-1')?.card_last4, byId.get('auth-1')?.outcome, byId.get('auth-1')?.reason], ['GBP', '4242', 'declined', 'insufficient_funds']);
    assert.deepEqual([byId.get('auth-2')?.status, byId.get('auth-2')?.outcome], [0, 'unknown']);
    assert.deepEqual([byId.get('auth-3')?.sent_ms, byId.get('auth-3')?.late], [100, false]);
    assert.deepEqual(result.derived, { currency: 1, last4: 1, decision: 1, status: 1, sent: 1 });

    // No start: the time of the file's declaration (setup(), just before the scenario starts). No send time
    // and no schedule: the point's time (START + 117) less its latency (12.5), from that start (START - 50).
    const noStart = await read([await file('no-start.json', k6File([auth('auth-1', { status: '200', decision: 'approved' }, { start: '', sent: '', intended: '' })]))]);
    assert.equal(noStart.result.startEpochMs, START - 50);
    assert.equal(noStart.records[0]?.sent_ms, 154.5);
    assert.deepEqual(noStart.result.derived, { start: 1, sent: 1 });

    // What nothing else says is refused: exit 2 naming the file, the line and the field.
    const cases: Array<[Req, RegExp]> = [
      [auth('auth-1', { status: '200' }, { currency: '' }), /"currency" is missing/], // no seeded account given here
      [auth('', { status: '200' }), /"id" is missing/],
      [auth('auth-1', {}), /"status" is missing/],
      [auth('auth-1', { status: '200' }, { account: '' }), /"account" is missing/],
      [{ tags: { kind: 'reversal', status: '200' }, meta: { id: 'rev-1', account: 'acc-000001', amount: '5', currency: 'GBP', start: String(START), sent: '1' } }, /"authorization_id" is missing/],
    ];
    for (const [req, message] of cases) {
      const err = await problem(k6File([req]));
      assert.equal(err.line, 8, err.message);
      assert.match(err.message, /\.json:8: faultline_request point: /);
      assert.match(err.message, message);
    }
  });

  it('two declarations of different exports are refused', async () => {
    const text = k6File([auth('auth-1', { status: '200', decision: 'approved' })]);
    const other = JSON.stringify({ metric: 'faultline_run', type: 'Point', data: { time: '2025-03-01T10:00:01Z', value: 1, tags: { ...DECLARATION, faultline_seed: '4' } } });
    const err = await problem(`${text}${other}\n`);
    assert.match(err.message, /says scenario k6-read seed 4, but an earlier one said scenario k6-read seed 3: output of two different exports/);
  });

  it('is bounded: a line longer than the limit and a file larger than the limit are refused; an abort stops it with what was read', async () => {
    const text = k6File([auth('auth-1', { status: '200' }), auth('auth-2', { status: '200' }), auth('auth-3', { status: '200' })]);
    const long = await problem(text, { maxLineBytes: 200 });
    assert.match(long.message, /:2: line longer than 200 bytes/);
    const big = await problem(text, { maxBytes: 500 });
    assert.match(big.message, /larger than 500 bytes/);

    const controller = new AbortController();
    const records: HistoryRecord[] = [];
    const result = await readK6Files([await file('abort.json', text)], {
      faultsAt: () => [],
      signal: controller.signal,
      onRecord: (r) => {
        records.push(r);
        controller.abort('ctrl-c');
      },
    });
    assert.deepEqual(result.aborted, { reason: 'ctrl-c' });
    assert.ok(records.length >= 1 && records.length < 3, `stopped early: ${records.length}`);
  });
});
