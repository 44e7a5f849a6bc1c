// --router-tuning and a scenario's topology.router_tuning: bad input is exit 2 before anything starts,
// naming the flag or the file, line and field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../support/cli.ts';

test('--router-tuning: an unknown defence, a bad value, a knob of a defence switched off, or a naive router is exit 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--router-tuning', 'ejections=off'], /--router-tuning ejections: not a defence nor a knob of the hardened router; defences: ejection, last_known_good, retry_budget, attempt_timeout, watch_idle_timeout, retries, lenient_parsing/],
    [['--router-tuning', 'retries=never'], /--router-tuning retries: a defence is "off" or "on"/],
    [['--router-tuning', 'attempt_timeout_ms=fast'], /--router-tuning attempt_timeout_ms: must be an integer from 1 to 600000, got "fast"/],
    [['--router-tuning', 'retries=off', '--router-tuning', 'max_attempts=2'], /--router-tuning max_attempts: retries is off/],
    [['--router-tuning', 'ejection'], /"ejection" is not key=value/],
    [['--router', 'naive', '--router-tuning', 'retries=off'], /topology\.router_tuning: tunes the hardened router \(retries\); this run's router is naive/],
    [['--mode', 'compose', '--router-tuning', 'retries=off'], /topology\.router_tuning: works in embedded mode/],
  ];
  for (const [flags, message] of cases) {
    const r = await cli(['run', 'baseline', '--duration', '2s', ...flags]);
    assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, flags.join(' '));
    assert.doesNotMatch(r.stderr, /topology up/, 'nothing started');
  }
});

test('a scenario file with a bad router_tuning is exit 2 naming file, line and field', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-tuning-'));
  const file = path.join(dir, 'tuned.yaml');
  await writeFile(file, 'name: tuned\ndescription: x\ntopology:\n  router_tuning:\n    ejection: off\n    lkg_max_age_ms: -5\ntraffic:\n  duration_s: 10\n');
  const r = await cli(['run', file]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /tuned\.yaml:6: topology\.router_tuning\.lkg_max_age_ms: must be an integer from 1 to 3600000, got -5/);
});
