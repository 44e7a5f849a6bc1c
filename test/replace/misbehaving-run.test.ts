// A replacement that dies, hangs or floods during a run is reported as what happened, and the run still
// writes summary.json: a ledger store that is SIGKILLed mid-run (by nothing of faultline's) is a process
// event with its signal, the run fails naming it, and every invariant is unknown saying the ledger could
// not be read and why; a feed that hangs and one that answers 10 MB bodies are hop failures of the app's
// reads, their bodies cut off at the driver's cap, and feed-agrees is unknown naming the replica.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Summary } from '../../harness/summary/types.ts';
import { childNodeProcesses, waitFor } from '../support/processes.ts';
import { runShort } from '../support/run.ts';
import { mockCommand, replacement, ROOT } from './support.ts';

const DIE_AFTER = fileURLToPath(new URL('./fixtures/die-after.mjs', import.meta.url));
const MISBEHAVING = fileURLToPath(new URL('./fixtures/misbehaving.mjs', import.meta.url));
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function onDisk(runDir: string): Summary {
  return JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as Summary;
}

describe('a replacement that misbehaves during a run', () => {
  it('a ledger store killed mid-run: a process event with its signal, the run failed naming it, summary.json written', async () => {
    // The store's own code, started so that it SIGKILLs itself after 60 writes (exec: the shell becomes it).
    const store = (await mockCommand('services/ledger/main-store.ts')).replace(quote(process.execPath), `exec ${quote(process.execPath)} --import ${quote(DIE_AFTER)}`);
    const result = await runShort(
      'baseline',
      { duration: 3, rate: 40, replace: { 'ledger-store': replacement({ command: store, cwd: ROOT, env: { DIE_AFTER_POSTS: '60' }, ready_timeout: 60 }) } },
      { report: false },
      (s) => ({ ...s, drain_s: 2 }),
    );
    const s = onDisk(result.runDir);
    assert.deepEqual(s.reasons, result.summary.reasons);
    assert.equal(s.verdict, 'failed');
    const died = (s.process_events ?? []).filter((e) => !e.expected);
    assert.equal(died.length, 1, JSON.stringify(s.process_events));
    assert.equal(died[0]?.replica, 'ledger-store');
    assert.equal(died[0]?.signal, 'SIGKILL');
    assert.equal(died[0]?.code, null);
    assert.equal(died[0]?.replaced_by, `command "${store}"`);
    assert.match(s.reasons[0] ?? '', /^ledger-store \(replaced by command ".*", pid \d+\) died on its own at -?\d+\.\d s: killed by SIGKILL; no fault stopped it$/);
    assert.ok(s.invariants.length >= 7);
    for (const inv of s.invariants) {
      assert.equal(inv.validity, 'unknown', `${inv.name}: ${inv.detail}`);
      assert.match(inv.detail, /^not checked: the ledger could not be read after the run: ledger-store \(ledger-store replaced by command ".*"\): GET http:\/\/127\.0\.0\.1:\d+\/v1\/\S+ failed: /);
    }
    assert.ok(s.authorizations.total > 0, 'what was sent is measured');
    assert.ok(Object.keys(s.causes).length > 0, `the failures after its death are attributed: ${JSON.stringify(s.causes)}`);
    await waitFor(() => childNodeProcesses().length === 0, 10_000, 'every child process to exit');
  });

  it('a feed that hangs and one that floods: hop failures, bodies cut off, feed-agrees unknown naming the replica, summary.json written', async () => {
    const feed = `${quote(process.execPath)} ${quote(MISBEHAVING)} --feed-1=hang --feed-2=flood`;
    const result = await runShort(
      'baseline',
      { duration: 3, rate: 40, replace: { feed: replacement({ command: feed, ready_timeout: 60 }) }, replicas: { feed: 2 } },
      { report: false },
      (s) => ({ ...s, drain_s: 2 }),
    );
    const s = onDisk(result.runDir);
    assert.deepEqual(s.reasons, result.summary.reasons);
    assert.equal(s.verdict, 'failed');
    assert.deepEqual((s.process_events ?? []).filter((e) => !e.expected), [], 'nothing died');
    // The app's reads (balance and feed) are hop failures in the history: the hanging one's timed out, the
    // flooding one's cut off at the driver's body cap (no usable answer: cause other).
    const reads = readFileSync(path.join(result.runDir, s.files.history), 'utf8')
      .split('\n')
      .filter((l) => /"kind":"(balance|feed)"/.test(l))
      .map((l) => JSON.parse(l) as { outcome: string; error?: { hop: string; cause: string } });
    const causes = new Set(reads.map((r) => `${r.error?.hop}:${r.error?.cause}`));
    assert.ok(reads.length > 0 && reads.every((r) => r.outcome === 'error'), `no app read is a good answer: ${JSON.stringify(reads)}`);
    assert.ok(causes.has('app->feed:timeout') && causes.has('app->feed:other'), `${[...causes].join(', ')} in ${result.runDir}`);
    assert.equal(s.app.feed.ok + s.app.balance.ok, 0);
    const feedAgrees = s.invariants.find((i) => i.name === 'feed-agrees');
    assert.equal(feedAgrees?.validity, 'unknown');
    assert.match(feedAgrees?.detail ?? '', /^feed-1 \(feed replaced by command ".*"\): the feed\/balance API could not be read \(GET http:\/\/127\.0\.0\.1:\d+\/v1\/balances\?limit=1000 failed: no answer within 5000 ms\): agreement with the ledger unknown$/);
    for (const name of ['exactly-once-holds', 'double-entry', 'balances']) {
      assert.equal(s.invariants.find((i) => i.name === name)?.validity, 'valid', `${name} is still checked against the ledger`);
    }
    await waitFor(() => childNodeProcesses().length === 0, 10_000, 'every child process to exit');
  });
});
