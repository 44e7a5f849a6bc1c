// Item 4 of issue 21: a scenario file is bounded before it is read whole (size), and in what it may hold
// (fault count, string lengths): exit 2 at once, naming file, line and field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadScenario } from '../../harness/scenario/load.ts';
import { ScenarioError } from '../../harness/scenario/errors.ts';
import { cli } from '../support/cli.ts';

const HEAD = ['name: bounded', 'description: a bounded scenario', 'traffic: { duration_s: 60 }'];

async function scenarioFile(lines: string[], name = 'bounded.yaml'): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-bounds-'));
  const file = path.join(dir, name);
  await writeFile(file, lines.join('\n') + '\n');
  return { dir, file };
}

function fault(i: number): string {
  // Windows that do not overlap: 0.2 s apart, 0.1 s long.
  return `  - { name: f${i}, fault: network.latency, target: ledger, start_s: ${(i * 0.2).toFixed(1)}, end_s: ${(i * 0.2 + 0.1).toFixed(1)}, params: { latency: 5 } }`;
}

test('a 44 MB scenario file (400,000 faults) is refused by its size before it is read: exit 2 in seconds, not 97 s and 4 GB', async () => {
  const { dir, file } = await scenarioFile([]);
  const lines = [...HEAD, 'faults:'];
  const one = fault(1);
  const body = lines.join('\n') + '\n' + `${one}\n`.repeat(400_000);
  await writeFile(file, body);
  assert.ok(body.length > 40 * 1024 * 1024);
  const started = Date.now();
  const r = await cli(['run', file]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /bounded\.yaml: is 4\d\.\d MiB, larger than a scenario file may be \(1\.0 MiB\): refused before reading it/);
  assert.doesNotMatch(r.stderr, /topology up/);
  assert.ok(Date.now() - started < 60_000);
  await rm(dir, { recursive: true, force: true });
});

test('more than 256 fault windows: the field and its line', async () => {
  const lines = [...HEAD, 'faults:', ...Array.from({ length: 257 }, (_, i) => fault(i))];
  const { dir, file } = await scenarioFile(lines);
  await assert.rejects(loadScenario(file), (err: unknown) => {
    assert.ok(err instanceof ScenarioError);
    assert.match(err.message, /bounded\.yaml:5: faults: at most 256 fault windows/);
    return true;
  });
  // 256 are accepted (so the bound is not below a real scenario's needs).
  const ok = await scenarioFile([...HEAD, 'faults:', ...Array.from({ length: 256 }, (_, i) => fault(i))]);
  const { scenario } = await loadScenario(ok.file);
  assert.equal(scenario.faults.length, 256);
  await rm(dir, { recursive: true, force: true });
  await rm(ok.dir, { recursive: true, force: true });
});

test('a description, a fault target or a threshold longer than its bound names the field and the line', async () => {
  const long = 'x'.repeat(2001);
  const cases: Array<[string[], RegExp]> = [
    [['name: bounded', `description: ${long}`], /bounded\.yaml:2: description: must be at most 2000 characters/],
    [[...HEAD, 'faults:', `  - { name: f1, fault: network.latency, target: ${'l'.repeat(300)}, start_s: 1, end_s: 2 }`], /bounded\.yaml:5: faults\[0\]\.target: must be at most 256 characters/],
    [[...HEAD, 'thresholds:', `  authorization_success_rate: ['rate>0.${'9'.repeat(300)}']`], /bounded\.yaml:5: thresholds\.authorization_success_rate\[0\]: must be at most 256 characters/],
    [[...HEAD, 'replace:', `  ledger: { command: node x.js, env: { A: "${'v'.repeat(5000)}" } }`], /bounded\.yaml:\d+: replace\.ledger\.env\.A: must be at most 4096 characters/],
  ];
  for (const [lines, expected] of cases) {
    const { dir, file } = await scenarioFile(lines);
    await assert.rejects(loadScenario(file), (err: unknown) => {
      assert.ok(err instanceof ScenarioError, String(err));
      assert.match(err.message, expected);
      return true;
    });
    await rm(dir, { recursive: true, force: true });
  }
});

test('a 2,000-character description is accepted and reaches the summary as written', async () => {
  const { dir, file } = await scenarioFile(['name: bounded', `description: ${'d'.repeat(2000)}`]);
  const { scenario } = await loadScenario(file);
  assert.equal(scenario.description.length, 2000);
  await rm(dir, { recursive: true, force: true });
});
