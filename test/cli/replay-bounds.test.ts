// Items 2 and 3 of issue 21. A replay from a named pipe that nobody writes stops on the first Ctrl-C or
// SIGTERM (exit 130, nothing started); one that is written is read. --duration bounds a replay: a 16 s
// recording run for 2 s sends only its first 2 s, the summary, the scaled fault timeline and the history
// agree, and the achieved rate is what was sent over the seconds it covered. --speed has a range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cli, startCli } from '../support/cli.ts';
import { RELAXED_VALIDITY_YAML } from '../support/validity.ts';
import type { Summary } from '../../harness/summary/types.ts';
import type { HistoryRecord } from '../../harness/history/record.ts';

async function until(output: () => string, pattern: RegExp, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!pattern.test(output())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}: ${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`--replay of a named pipe nobody writes: the first ${signal} stops it, exit 130, nothing started`, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-fifo-run-'));
    const pipe = path.join(dir, 'requests.jsonl');
    execFileSync('mkfifo', [pipe]);
    const out = path.join(dir, 'run');
    const run = startCli(['run', 'baseline', '--replay', pipe, '--out', out], {}, { group: true });
    const kill = setTimeout(() => run.child.kill('SIGKILL'), 90_000);
    try {
      await until(run.output, /reading the replay from the named pipe/, 60_000);
      const sentAt = Date.now();
      process.kill(-(run.child.pid as number), signal);
      const r = await run.done;
      const took = Date.now() - sentAt;
      assert.equal(r.code, 130, r.stdout + r.stderr);
      assert.ok(took < 10_000, `it stopped ${took} ms after ${signal}`);
      assert.match(r.stderr, /interrupted while reading .*requests\.jsonl: nothing ran/);
      assert.ok(!existsSync(out), 'no run folder was made');
    } finally {
      clearTimeout(kill);
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('--speed outside 0.01–100 is exit 2 naming the range', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-speed-'));
  const file = path.join(dir, 'r.jsonl');
  await writeFile(file, JSON.stringify({ offset_ms: 0, kind: 'balance', account_id: 'acc-000001' }) + '\n');
  for (const speed of ['0.000001', '1000', 'fast']) {
    const r = await cli(['run', 'baseline', '--replay', file, '--speed', speed]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`--speed must be a number from 0\\.01 to 100 .*got "${speed}"`));
  }
  // The closed model paces itself and cannot play a recording's schedule: refused, not silently ignored.
  const closed = await cli(['run', 'baseline', '--replay', file, '--model', 'closed']);
  assert.equal(closed.code, 2, closed.stderr);
  assert.match(closed.stderr, /--replay plays a recording on its own schedule, which the closed model \(from --model\) cannot/);
  await rm(dir, { recursive: true, force: true });
});

test('--duration bounds a replay fed through a named pipe: 2 s of a 16 s recording, timeline and rate agree', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-replay-cut-'));
  const scenario = path.join(dir, 'cut.yaml');
  await writeFile(
    scenario,
    [
      'name: replay-cut',
      'description: a 10 s scenario with one fault, cut to 2 s',
      'warmup_s: 0',
      'traffic: { rate: 20, duration_s: 10 }',
      'drain_s: 2',
      'faults:',
      '  - { name: slow, fault: network.latency, target: ledger, start_s: 4, end_s: 6, params: { latency: 5 } }',
      RELAXED_VALIDITY_YAML,
    ].join('\n'),
  );
  // 16 s at 20 authorizations a second.
  const lines: string[] = [];
  for (let i = 0; i < 320; i++) {
    const body = {
      id: `auth-cut-${i}`,
      account_id: `acc-${String((i % 50) + 1).padStart(6, '0')}`,
      card: { token: `tok_${i % 50}`, last4: '4242' },
      amount: { value: 500 + i, currency: 'GBP' },
      merchant: { name: 'Corner Shop', mcc: '5411', country: 'GB' },
      channel: 'pos',
    };
    lines.push(JSON.stringify({ offset_ms: i * 50, kind: 'authorization', body }));
  }
  const pipe = path.join(dir, 'recording.jsonl');
  execFileSync('mkfifo', [pipe]);
  const writer = spawn('sh', ['-c', `sleep 1; cat > '${pipe}'`], { stdio: ['pipe', 'ignore', 'ignore'] });
  writer.stdin.end(lines.join('\n') + '\n');
  const out = path.join(dir, 'run');
  const r = await cli(['run', scenario, '--replay', pipe, '--duration', '2s', '--out', out, '--no-report']);
  assert.ok(r.code === 0 || r.code === 4, r.stdout + r.stderr);
  assert.match(r.stderr, /its requests after 2 s of the measured part are not sent/);
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
  assert.equal(summary.duration_s, 2);
  const fault = summary.faults[0];
  assert.equal(fault?.scheduled_s, 0.8, 'the fault window is scaled with --duration');
  assert.equal(fault?.scheduled_end_s, 1.2);
  assert.notEqual(fault?.applied_s, null, 'and it took effect within the run');
  assert.equal(summary.load.sent, 40, 'the first 2 s of the recording: 40 requests');
  assert.ok(summary.load.achieved_rate > 17 && summary.load.achieved_rate < 23, `achieved ${summary.load.achieved_rate}/s for 20/s`);
  const history = readFileSync(path.join(out, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as HistoryRecord);
  const sent = history.filter((h) => h.kind === 'authorization');
  assert.equal(sent.length, 40);
  assert.ok(sent.every((h) => h.intended_ms < 2000), 'nothing from after the run was sent');
  await rm(dir, { recursive: true, force: true });
});
