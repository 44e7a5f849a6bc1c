// Phase and fault labels from a record's intended time, and failure attribution: closed sets only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PhaseLabeler, attribution } from '../../harness/metrics/labels.ts';
import type { Hop, Cause } from '../../services/common/failure.ts';

const labeler = new PhaseLabeler([
  { name: 'b', start_s: 6, end_s: 9 },
  { name: 'a', start_s: 2, end_s: 4 },
]);
const at = (s: number, faults: string[] = []) => labeler.of({ intended_ms: s * 1000, faults });

test('phases partition the run: warmup, before the first window, during one, after one (its aftermath)', () => {
  assert.deepEqual(at(-0.5), { phase: 'warmup', fault: 'none' });
  assert.deepEqual(at(1), { phase: 'before', fault: 'none' });
  assert.deepEqual(at(2, ['a']), { phase: 'during', fault: 'a' });
  assert.deepEqual(at(3), { phase: 'during', fault: 'a' }, 'no faults on the record: the schedule says');
  assert.deepEqual(at(5), { phase: 'after', fault: 'a' });
  assert.deepEqual(at(7, ['b', 'a']), { phase: 'during', fault: 'a+b' }, 'schedule order, whatever the record says');
  assert.deepEqual(at(12), { phase: 'after', fault: 'b' });
  assert.deepEqual(new PhaseLabeler([]).of({ intended_ms: 5000, faults: [] }), { phase: 'whole', fault: 'none' });
  assert.deepEqual(new PhaseLabeler([]).of({ intended_ms: -1, faults: [] }), { phase: 'warmup', fault: 'none' });
});

test('a fault name the scenario does not have becomes "other", never a new label value', () => {
  assert.deepEqual(at(3, ['a', 'acc-000123']), { phase: 'during', fault: 'a+other' });
  assert.deepEqual(at(3, ['x']), { phase: 'during', fault: 'other' });
});

test('attribution follows the summary: failed and unknown always, stand-in with an error, others never; unknown hops are "other"', () => {
  const error = { hop: 'processor->ledger' as Hop, cause: 'timeout' as Cause };
  assert.deepEqual(attribution({ error }, 'failed'), { hop: 'processor->ledger', cause: 'timeout' });
  assert.deepEqual(attribution({}, 'unknown'), { hop: 'unattributed', cause: 'other' });
  assert.deepEqual(attribution({ error }, 'standin_approved'), { hop: 'processor->ledger', cause: 'timeout' });
  assert.deepEqual(attribution({}, 'standin_declined'), { hop: 'none', cause: 'none' });
  assert.deepEqual(attribution({ error }, 'approved'), { hop: 'none', cause: 'none' });
  assert.deepEqual(attribution({ error: { hop: 'x->y' as Hop, cause: 'card 4242' as Cause } }, 'failed'), { hop: 'other', cause: 'other' });
});
