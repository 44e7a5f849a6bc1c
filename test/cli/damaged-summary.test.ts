// Item 5 of issue 21: summary.json is checked against its schema wherever it is read. A damaged file is
// exit 2 naming the file and the field, the same in report, compare, gate, run --baseline and suite
// --baseline-dir; never "Cannot read properties of null" (exit 3) in one and "not valid JSON" in another.
// The schema is strict on what readers rely on and open to fields added later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../support/cli.ts';
import { legacySummaryJson, monzoSummary } from '../report/fixtures.ts';
import { SummaryError, validateSummary } from '../../harness/summary/schema.ts';

type Json = Record<string, unknown>;
const good = (): Json => JSON.parse(JSON.stringify(monzoSummary({ router: 'hardened' }))) as Json;

/** Damaged summaries: what each does to a good one, and the field the error must name. */
const DAMAGE: Array<{ what: string; damage: (s: Json) => void; field: RegExp }> = [
  { what: 'authorizations is null', damage: (s) => void (s.authorizations = null), field: /authorizations: must be an object, got null/ },
  { what: 'a negative count', damage: (s) => void ((s.authorizations as Json).failed = -5), field: /authorizations\.failed: must be a whole number ≥ 0, got -5/ },
  { what: 'a success rate of 1e308', damage: (s) => void ((s.authorizations as Json).success_rate = 1e308), field: /authorizations\.success_rate: must be a rate from 0 to 1, got 1e\+308/ },
  { what: 'a phase latency that is text', damage: (s) => void (((s.phases as Json[])[1] as Json).latency_ms = { p50: 'fast', p95: 1, p99: 1, max: 1 }), field: /phases\[1\]\.latency_ms\.p50: must be a finite number ≥ 0, got "fast"/ },
];

test('the schema: current and older summaries pass, fields added later are accepted, each damage is named', () => {
  assert.doesNotThrow(() => validateSummary(good(), 'summary.json'));
  assert.doesNotThrow(() => validateSummary(JSON.parse(JSON.stringify(legacySummaryJson())), 'old.json'));
  // Fields added later: approval rates, the declines section, the foreign-CPU figure, process events; and one no reader knows.
  const extended = good();
  (extended.authorizations as Json).approval_rate = 0.98;
  extended.declines = { total: 3, by_reason: { insufficient_funds: 3 }, standin_declined: 0, false_declines: { total: 0, by_reason: {}, by_hop: {}, by_fault: {}, first: [] } };
  ((extended.validity as Json).figures as Json).foreign_cpu = { share: 0.4, max_second_share: 0.6, run_share: 0.3, busy_share: 0.7, cpus: 2, samples: 30, run_processes: 9, pressure_some: null };
  extended.process_events = [{ replica: 'ledger-1', service: 'ledger', pid: 4242, at_s: 1, code: null, signal: 'SIGKILL', expected: false }];
  extended.some_field_from_a_newer_faultline = { anything: true };
  assert.doesNotThrow(() => validateSummary(extended, 'summary.json'));
  const badApproval = good();
  (badApproval.authorizations as Json).approval_rate = 1.5;
  assert.throws(() => validateSummary(badApproval, 's.json'), /s\.json: authorizations\.approval_rate: must be a rate from 0 to 1, got 1\.5/);
  const badDeclines = good();
  badDeclines.declines = { total: -1, by_reason: {}, standin_declined: 0, false_declines: { total: 0, by_reason: {}, by_hop: {}, by_fault: {}, first: [] } };
  assert.throws(() => validateSummary(badDeclines, 's.json'), /s\.json: declines\.total: must be a whole number ≥ 0/);
  for (const { what, damage, field } of DAMAGE) {
    const s = good();
    damage(s);
    assert.throws(() => validateSummary(s, 'x/summary.json'), (err: unknown) => err instanceof SummaryError && field.test(err.message) && err.message.startsWith('x/summary.json: '), what);
  }
  assert.throws(() => validateSummary(null, 'n.json'), /n\.json: not a faultline summary/);
  assert.throws(() => validateSummary({ ...good(), retry_amplification: 'x' }, 'r.json'), /r\.json: retry_amplification: must be a finite number ≥ 0/);
});

test('report, compare, gate, run --baseline and suite --baseline-dir: the same exit 2 naming the file and the field', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-damaged-'));
  const goodRun = path.join(dir, 'good');
  await mkdir(goodRun);
  await writeFile(path.join(goodRun, 'summary.json'), JSON.stringify(good()));
  // The damage that crashed report and compare (authorizations: null) through every command, and a file
  // cut mid-write through two: each says the same thing.
  const cases = [DAMAGE[0] as (typeof DAMAGE)[number], { what: 'cut JSON', damage: () => {}, field: /not valid JSON/ }];
  for (const [i, { what, damage, field }] of cases.entries()) {
    const run = path.join(dir, `bad-${i}`);
    await mkdir(run);
    const file = path.join(run, 'summary.json');
    const s = good();
    damage(s);
    await writeFile(file, what === 'cut JSON' ? JSON.stringify(s).slice(0, 8192) : JSON.stringify(s));
    const commands: string[][] =
      i === 0
        ? [['report', run], ['compare', goodRun, run, '--out', path.join(dir, `cmp-${i}`)], ['gate', run], ['gate', goodRun, '--baseline', file]]
        : [['report', run], ['gate', run]];
    const messages = new Set<string>();
    for (const args of commands) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${what}: ${args[0]}: ${r.stderr}`);
      assert.ok(r.stderr.includes(file), `${what}: ${args[0]} names the file: ${r.stderr}`);
      assert.match(r.stderr, field, `${what}: ${args[0]}`);
      assert.doesNotMatch(r.stderr, /Cannot read properties|TypeError/);
      messages.add(r.stderr.trim().slice(r.stderr.indexOf(file)));
    }
    assert.equal(messages.size, 1, `every command says the same: ${[...messages].join(' | ')}`);
  }
  // A run with a damaged baseline, and a suite with one in --baseline-dir: refused before anything starts.
  const bad = path.join(dir, 'bad-0', 'summary.json');
  const run = await cli(['run', 'baseline', '--baseline', bad, '--out', path.join(dir, 'never')]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /authorizations: must be an object, got null/);
  assert.doesNotMatch(run.stderr, /topology up/);
  const baselines = path.join(dir, 'baselines');
  await mkdir(baselines);
  await writeFile(path.join(baselines, 'baseline.json'), JSON.stringify({ ...good(), authorizations: null }));
  const suite = await cli(['suite', 'nightly', '--baseline-dir', baselines, '--out', path.join(dir, 'suite')]);
  assert.equal(suite.code, 2, suite.stdout + suite.stderr);
  assert.match(suite.stderr, /baseline\.json: authorizations: must be an object, got null/);
  assert.doesNotMatch(suite.stdout, /suite nightly: baseline…/, 'no run started');
  await rm(dir, { recursive: true, force: true });
});
