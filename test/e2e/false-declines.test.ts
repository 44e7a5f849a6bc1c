// False declines from outside: a ledger replica that declines ~10% of holds with insufficient_funds for no
// reason (a test-only defect) makes declines-justified invalid, names the ledger hop, and fails the run (exit
// 1) while the ledger's own invariants hold; the same short run on the sound pipeline has 0 false declines
// and shows its (real) declines by reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runShort, invariant } from '../support/run.ts';
import { exitCodeFor, EXIT } from '../../harness/cli/exit-codes.ts';
import type { Summary } from '../../harness/summary/types.ts';

const SHORT = { duration: 5, rate: 60 } as const;

test('a ledger replica declining ~10% of holds for no reason: declines-justified invalid, FAILED, exit 1; the sound pipeline: 0 false declines', { timeout: 180_000 }, async () => {
  const broken = await runShort('baseline', SHORT, { ledgerDeclineHoldsPercent: 10 });
  const s = broken.summary;
  const inv = invariant(broken, 'declines-justified');
  assert.equal(inv.ok, false, inv.detail);
  assert.ok(inv.offending.length > 0 && inv.offending.every((id) => id.startsWith('auth-')), inv.offending.join(','));
  const d = s.declines;
  assert.ok(d, 'summary.declines');
  const f = d.false_declines;
  assert.equal(f.total, s.invariants.find((i) => i.name === 'declines-justified')?.count);
  assert.deepEqual(Object.keys(f.by_reason), ['insufficient_funds']);
  assert.deepEqual(f.by_hop, { 'processor->ledger': f.total }, 'the ledger answered them');
  assert.equal(Object.values(f.by_fault).reduce((a, b) => a + b, 0), f.total);
  const first = f.first[0];
  assert.ok(first && first.lowest_available !== null && first.amount !== null && first.lowest_available >= first.amount, JSON.stringify(first));
  // About a tenth of what reached the ledger (the held ones, the falsely declined ones).
  const reached = s.warmup.authorizations.approved + s.authorizations.approved + f.total;
  if (reached >= 100) assert.ok(f.total / reached > 0.02 && f.total / reached < 0.25, `${f.total} of ${reached}`);
  // The book itself is sound: only the declines are wrong.
  for (const name of ['exactly-once-holds', 'double-entry', 'balances', 'no-negative']) assert.ok(invariant(broken, name).ok, `${name}: ${invariant(broken, name).detail}`);
  assert.equal(s.verdict, 'failed');
  assert.equal(exitCodeFor(s), EXIT.failed);
  const reason = s.reasons.find((l) => l.startsWith('invariant declines-justified failed (invalid)'));
  assert.ok(reason && /false decline/.test(reason) && reason.includes('by hop processor->ledger'), s.reasons.join('\n'));
  const written = JSON.parse(await readFile(path.join(broken.runDir, 'summary.json'), 'utf8')) as Summary;
  assert.equal(written.declines?.false_declines.total, f.total);
  const report = await readFile(path.join(broken.runDir, 'index.html'), 'utf8');
  assert.match(report, /data-false-declines="[1-9]\d*"/);

  const sound = await runShort('baseline', SHORT);
  const ok = invariant(sound, 'declines-justified');
  assert.ok(ok.ok, ok.detail);
  assert.equal(sound.summary.declines?.false_declines.total, 0);
  for (const i of sound.summary.invariants) assert.ok(i.ok, `${i.name}: ${i.detail}`);
  const answered = sound.summary.authorizations.approved + sound.summary.authorizations.declined;
  if (answered > 0) assert.equal(sound.summary.authorizations.approval_rate, Math.round((sound.summary.authorizations.approved / answered) * 1e6) / 1e6);
  assert.match(ok.detail, /issuer declines?.*: 0 false declines|nothing to justify/);
});
