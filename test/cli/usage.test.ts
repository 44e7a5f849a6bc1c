// Bad input to the CLI is exit 2 before any traffic, with a message naming file, line and field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../support/cli.ts';

async function tempFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-cli-'));
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

const VALID = `name: my-scenario
description: a user's scenario
traffic:
  duration_s: 20
faults:
  - name: slow
    fault: network.latency
    target: ledger
    start_s: 5
    end_s: 10
    params: { latency: 100 }
`;

test('list and --help answer with exit 0', async () => {
  const list = await cli(['list']);
  assert.equal(list.code, 0, list.stderr);
  for (const name of ['baseline', 'monzo-2017', 'stale-discovery', 'ledger-latency', 'reset-after-commit', 'rolling-deploy-sigterm', 'noisy-neighbour', 'control-plane-timeout']) {
    assert.match(list.stdout, new RegExp(`^${name}\\s`, 'm'));
  }
  const help = await cli(['run', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--no-standin/);
  assert.match(help.stdout, /--replay/);
});

test('a YAML scenario with an unknown field is exit 2 naming file, line and field', async () => {
  const file = await tempFile('bad.yaml', VALID.replace('  duration_s: 20', '  duration_s: 20\n  burst: 3'));
  const r = await cli(['run', file]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /bad\.yaml:5: traffic: unknown field "burst"/);
});

test('a fault naming a service that does not exist is exit 2 naming the field', async () => {
  const file = await tempFile('target.yaml', VALID.replace('target: ledger', 'target: mainframe'));
  const r = await cli(['run', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /target\.yaml:8: faults\[0\]\.target: "mainframe" is not a target of network\.latency/);
});

test('negative and backwards windows, overlapping windows and bad thresholds are exit 2', async () => {
  const negative = await cli(['run', await tempFile('neg.yaml', VALID.replace('start_s: 5', 'start_s: -5'))]);
  assert.equal(negative.code, 2);
  assert.match(negative.stderr, /faults\[0\]\.start_s/);
  const backwards = await cli(['run', await tempFile('back.yaml', VALID.replace('end_s: 10', 'end_s: 4'))]);
  assert.equal(backwards.code, 2);
  assert.match(backwards.stderr, /faults\[0\]\.end_s: the window must end after it starts/);
  const overlap = VALID + `  - { name: slow-again, fault: network.latency, target: ledger, start_s: 8, end_s: 12, params: { latency: 50 } }\n`;
  const overlapping = await cli(['run', await tempFile('overlap.yaml', overlap)]);
  assert.equal(overlapping.code, 2);
  assert.match(overlapping.stderr, /faults\[1\]: overlaps "slow"/);
  const threshold = await cli(['run', await tempFile('thr.yaml', VALID + `thresholds:\n  authorization_success_rate: ['rate>>0.9']\n`)]);
  assert.equal(threshold.code, 2);
  assert.match(threshold.stderr, /thresholds/);
  assert.match(threshold.stderr, /rate>>0\.9/);
});

test('a JSON scenario that is not JSON, an unknown scenario name and a bad flag are exit 2', async () => {
  const json = await cli(['run', await tempFile('broken.json', '{"name": "x",')]);
  assert.equal(json.code, 2);
  assert.match(json.stderr, /broken\.json: not valid JSON/);
  const unknown = await cli(['run', 'no-such-scenario']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no such scenario/);
  const flag = await cli(['run', 'baseline', '--rate', '-3']);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--rate must be a positive number/);
  const router = await cli(['run', 'baseline', '--router', 'magic']);
  assert.equal(router.code, 2);
});

test('a replay line that is not JSON is exit 2 naming file and line, before any traffic', async () => {
  const good = JSON.stringify({ offset_ms: 0, kind: 'balance', account_id: 'acc-000001' });
  const file = await tempFile('traffic.jsonl', `${good}\n${good}\nnot json at all\n`);
  const r = await cli(['run', 'baseline', '--replay', file]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /traffic\.jsonl:3/);
  assert.doesNotMatch(r.stderr, /topology up/, 'nothing started');
});

test('a baseline or tolerances file that is not usable is exit 2 naming the file, before anything starts', async () => {
  const notJson = await tempFile('baseline.json', '{not json');
  const r = await cli(['run', 'baseline', '--baseline', notJson]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /baseline\.json: not valid JSON/);
  assert.doesNotMatch(r.stderr, /topology up/);
  const notSummary = await tempFile('other.json', '{"hello": 1}');
  const s = await cli(['run', 'baseline', '--baseline', notSummary]);
  assert.equal(s.code, 2);
  assert.match(s.stderr, /other\.json: not a faultline summary\.json/);
  const tolerances = await tempFile('tol.json', '{"authorization_success_rate": {"abs": "lots"}}');
  const t = await cli(['run', 'baseline', '--baseline', 'reports/baselines/baseline.json', '--tolerances', tolerances]);
  assert.equal(t.code, 2, t.stderr);
  assert.match(t.stderr, /tol\.json: authorization_success_rate\.abs/);
});
