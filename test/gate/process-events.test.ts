// A replica's process that died on its own during a run fails the run, first among the reasons, naming
// the replica, what it was replaced by, and how it ended; one that a fault ended does not. The gate
// re-decides from summary.json, so `faultline gate` says the same.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decide } from '../../harness/gate/verdict.ts';
import type { ProcessEvent, Summary } from '../../harness/summary/types.ts';
import { MONZO_THRESHOLDS, monzoSummary } from '../report/fixtures.ts';

const sound = monzoSummary({ router: 'hardened', seed: 1 });
const event = (e: Partial<ProcessEvent>): ProcessEvent => ({ replica: 'ledger-store', service: 'ledger-store', pid: 4242, at_s: 12.34, code: null, signal: 'SIGKILL', expected: false, ...e });
const withEvents = (events: ProcessEvent[]): Summary => ({ ...sound, process_events: events });

it('a replica that died on its own fails the run, named first; one a fault ended does not', () => {
  assert.equal(decide(sound, MONZO_THRESHOLDS).verdict, 'passed');
  assert.equal(decide(withEvents([event({ expected: true }), event({ replica: 'ledger-1', service: 'ledger', code: 0, signal: null, expected: true })]), MONZO_THRESHOLDS).verdict, 'passed');

  const died = decide(withEvents([event({ replaced_by: 'command "node store.js"' })]), MONZO_THRESHOLDS);
  assert.equal(died.verdict, 'failed');
  assert.equal(died.reasons[0], 'ledger-store (replaced by command "node store.js", pid 4242) died on its own at 12.3 s: killed by SIGKILL; no fault stopped it');

  const exited = decide(withEvents([event({ replica: 'feed-1', service: 'feed', signal: null, code: 1, at_s: -0.5 })]), MONZO_THRESHOLDS);
  assert.equal(exited.verdict, 'failed');
  assert.equal(exited.reasons[0], 'feed-1 (pid 4242) died on its own at -0.5 s: exit code 1; no fault stopped it');
});
