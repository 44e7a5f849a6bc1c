// False declines from outside: a ledger replica that declines ~10% of holds with insufficient_funds for no
// reason (a test-only defect) makes declines-justified invalid, names the ledger hop, and fails the run (exit
// 1) while the ledger's own invariants hold. The sound pipeline's run (0 false declines, its real declines by
// reason) is baseline.test.ts's: the same scenario, no defect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runShort, invariant } from '../support/run.ts';
import { exitCodeFor, EXIT } from '../../harness/cli/exit-codes.ts';
import type { Summary } from '../../harness/summary/types.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';

const SHORT = { duration: 6, rate: 40 } as const;
/** One processor and one ledger replica: fewer processes to starve, so more holds get the issuer's answer on a busy machine. */
const small = (s: Scenario): Scenario => ({ ...s, topology: { ...s.topology, processors: 1, ledgers: 1 } });

test('a ledger replica declining ~10% of holds for no reason: declines-justified invalid, FAILED, exit 1', { timeout: 120_000 }, async () => {
  const broken = await runShort('baseline', SHORT, { defects: { ledger: { decline_holds_percent: 10 } } }, small);
  const s = broken.summary;
  const inv = invariant(broken, 'declines-justified');
  const answered = (c: Summary['authorizations']): number => c.approved + c.declined;
  assert.equal(inv.ok, false, `${inv.detail}; the issuer answered ${answered(s.warmup.authorizations) + answered(s.authorizations)} of ${s.warmup.authorizations.total + s.authorizations.total}`);
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
});
