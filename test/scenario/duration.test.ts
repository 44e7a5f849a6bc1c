import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DurationError, formatDuration, parseDuration } from '../../harness/scenario/duration.ts';
import { validateScenario } from '../../harness/scenario/validate.ts';
import { ScenarioError } from '../../harness/scenario/errors.ts';

test('durations with units, as k6 and Go write them; a bare number is seconds', () => {
  assert.equal(parseDuration('500ms'), 0.5);
  assert.equal(parseDuration('30s'), 30);
  assert.equal(parseDuration('1m30s'), 90);
  assert.equal(parseDuration('1h'), 3600);
  assert.equal(parseDuration('1.5s'), 1.5);
  assert.equal(parseDuration('2m'), 120);
  assert.equal(parseDuration('20'), 20);
  assert.equal(parseDuration(' 45 '), 45);
  assert.equal(parseDuration(12), 12);
  assert.equal(parseDuration('0'), 0);
});

test('a duration that is not one is an error naming what it got', () => {
  for (const bad of ['abc', '10x', '1m30', 's', '', '-5s', '5 s', '1e3']) {
    assert.throws(() => parseDuration(bad, '--duration'), (err: unknown) => err instanceof DurationError && err.message.includes('--duration') && err.message.includes(JSON.stringify(bad)), bad);
  }
  assert.throws(() => parseDuration(-1), DurationError);
});

test('formatDuration shows a duration back', () => {
  assert.equal(formatDuration(90), '1m30s');
  assert.equal(formatDuration(0.5), '500ms');
  assert.equal(formatDuration(30), '30s');
  assert.equal(formatDuration(3600), '1h');
});

test('a scenario file takes durations with units in every duration field', () => {
  const s = validateScenario(
    {
      name: 'units',
      description: 'durations with units',
      warmup_s: '2s',
      drain_s: '500ms',
      traffic: { duration_s: '1m30s' },
      faults: [{ name: 'slow', fault: 'network.latency', target: 'ledger', start_s: '10s', end_s: '1m', params: { latency: 100 } }],
    },
    'units.yaml',
  );
  assert.equal(s.traffic.duration_s, 90);
  assert.equal(s.warmup_s, 2);
  assert.equal(s.drain_s, 0.5);
  assert.equal(s.faults[0]?.start_s, 10);
  assert.equal(s.faults[0]?.end_s, 60);
});

test('a bad duration in a scenario names the field', () => {
  assert.throws(
    () => validateScenario({ name: 'bad', description: 'x', traffic: { duration_s: 'soon' } }, 'bad.yaml'),
    (err: unknown) => err instanceof ScenarioError && /traffic\.duration_s/.test(err.message) && /soon/.test(err.message),
  );
});
