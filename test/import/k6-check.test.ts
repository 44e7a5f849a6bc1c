// `faultline check` end to end: a short seeded plan sent through a live pipeline by a sender that writes k6's
// JSON output as the exported script would (test/support/k6-sender.ts) is judged by `faultline check` exactly
// as `faultline run` judges the same traffic; the same traffic through a pipeline whose ledger replica
// acknowledges a hold and never writes it (the node-ledger fixture's lose-writes defect) fails
// exactly-once-holds, exit 1; a malformed line is exit 2 naming it, leaving no run folder.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadScenario } from '../../harness/scenario/load.ts';
import { runScenario } from '../../harness/runner/run.ts';
import { startEmbeddedTopology } from '../../harness/topology/embedded.ts';
import type { RunningTopology } from '../../harness/topology/types.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import type { Summary } from '../../harness/summary/types.ts';
import { main } from '../../harness/cli/main.ts';
import { exitCodeFor } from '../../harness/cli/exit-codes.ts';
import { checkK6 } from '../../harness/import/k6/check-k6.ts';
import { printSummary } from '../../harness/cli/print-summary.ts';
import { sendAsK6 } from '../support/k6-sender.ts';
import { RELAXED_VALIDITY_YAML } from '../support/validity.ts';
import { FIXTURE_ENTRY } from '../node-ledger/node-ledger.ts';
import { replacement } from '../replace/support.ts';

// One ledger replica: the lossy one drops every 25th hold it is sent, and ~100 authorizations reach it.
const SCENARIO = `name: k6-check
description: a short seeded plan, sent by k6 and by faultline run
seed: 7
warmup_s: 0
drain_s: 15
topology: { ledgers: 1, processors: 1, accounts: 100 }
network: { standin: { enabled: false } }
traffic: { rate: 60, duration_s: 2, mix: { authorizations: 0.86, reversals: 0.04, balance: 0.06, feed: 0.04 } }
${RELAXED_VALIDITY_YAML}`;

/**
 * The CLI in-process (a child process would spend most of this test starting tsx on a busy machine), for its
 * exit code and stderr (stdout is left to the test reporter).
 */
async function inProcess(argv: string[]): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((c: string | Uint8Array): boolean => err.push(String(c)) > 0) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stderr: err.join('') };
  } finally {
    process.stderr.write = writeErr;
  }
}

const readSummary = async (dir: string): Promise<Summary> => JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8')) as Summary;
const validities = (s: Summary): Record<string, string> => Object.fromEntries(s.invariants.map((i) => [i.name, i.validity]));

describe('faultline check', () => {
  let dir = '';
  let scenarioFile = '';
  let scenario: Scenario;
  let topology: RunningTopology | null = null;
  let soundFile = '';
  let soundRequests = 0;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-k6-check-'));
    scenarioFile = path.join(dir, 'k6-check.yaml');
    await writeFile(scenarioFile, SCENARIO);
    scenario = (await loadScenario(scenarioFile)).scenario;
    topology = await startEmbeddedTopology(scenario.topology, { seed: scenario.seed });
    soundFile = path.join(dir, 'sound.json');
    soundRequests = (await sendAsK6(scenario, { processorUrl: topology.urls.processors[0] as string, feedUrl: topology.urls.feeds[0] as string, out: soundFile })).requests;
  });
  after(async () => {
    await topology?.stop();
  });

  it('judges a k6 run of a sound pipeline as faultline run judges the same traffic: exit 0, the same invariant results', async () => {
    const out = path.join(dir, 'sound-check');
    const r = await inProcess(['check', '--k6', soundFile, '--scenario', scenarioFile, '--ledger-url', topology!.urls.ledgerStore, '--feed-url', topology!.urls.feeds[0] as string, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const checked = await readSummary(out);
    assert.equal(checked.verdict, 'passed', checked.reasons.join('\n'));
    assert.equal(checked.mode, 'external');
    assert.equal(checked.load_source?.requests, soundRequests);
    assert.equal(checked.load.sent, soundRequests);
    assert.equal(checked.load_source?.derived, undefined, 'nothing was missing');
    // The file is k6's documented JSON output: Metric lines, then Points of k6's own http_reqs and
    // http_req_duration (with their data.tags) beside the script's faultline_request points.
    const lines = (await readFile(soundFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string; metric: string; data: { tags?: Record<string, string> | null } });
    for (const metric of ['http_reqs', 'http_req_duration', 'faultline_request']) {
      assert.ok(lines.some((l) => l.type === 'Metric' && l.metric === metric), `Metric line of ${metric}`);
      assert.equal(lines.filter((l) => l.type === 'Point' && l.metric === metric).length, soundRequests, `a ${metric} point per request`);
    }
    assert.ok(lines.some((l) => l.metric === 'http_reqs' && l.data.tags?.kind === 'authorization' && l.data.tags.method === 'POST' && l.data.tags.status === '200'));
    for (const inv of checked.invariants) assert.equal(inv.validity, 'valid', `${inv.name}: ${inv.detail}`);
    // What k6 cannot measure is not measured (null in summary.json), never 0.
    assert.equal(checked.validity.figures.event_loop_delay_ms.p99, null);
    assert.ok(checked.validity.figures.send_lateness_ms.sends > 0);
    for (const file of ['junit.xml', 'index.html', checked.files.history]) assert.ok(existsSync(path.join(out, file)), file);
    const printed: string[] = [];
    printSummary(checked, (l) => printed.push(l));
    assert.ok(printed.some((l) => l.startsWith('run health: driver loop delay p99 not measured')), printed.join('\n'));

    // The same seeded traffic, sent by faultline's own driver through a pipeline of its own.
    const run = await runScenario(scenario, { out: path.join(dir, 'run'), progress: false, log: () => {} });
    const details = (x: Summary): string => x.invariants.map((i) => `  ${i.name} ${i.validity}: ${i.detail}`).join('\n');
    assert.deepEqual(validities(checked), validities(run.summary), `check:\n${details(checked)}\nrun:\n${details(run.summary)}`);
    assert.equal(checked.authorizations.total, run.summary.authorizations.total);
  });

  it('bad input is exit 2 naming what is wrong (a malformed line: the file and the line); no run folder is left', async () => {
    const lines = (await readFile(soundFile, 'utf8')).split('\n');
    lines[6] = (lines[6] as string).slice(0, 40);
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, lines.join('\n'));
    const out = path.join(dir, 'bad-check');
    const r = await inProcess(['check', '--k6', bad, '--scenario', scenarioFile, '--ledger-url', topology!.urls.ledgerStore, '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7: not JSON`));
    assert.equal(existsSync(out), false);

    // The output of another export, a URL off this machine, a file that is not there: exit 2, nothing written.
    const other = await inProcess(['check', '--k6', soundFile, '--scenario', 'baseline', '--ledger-url', topology!.urls.ledgerStore, '--out', out]);
    assert.equal(other.code, 2, other.stderr);
    assert.match(other.stderr, /sound\.json:\d+: written by the script exported from scenario k6-check \(seed 7\), not baseline \(seed 1\)/);
    const remote = await inProcess(['check', '--k6', soundFile, '--scenario', scenarioFile, '--ledger-url', 'http://10.0.0.8:9000']);
    assert.equal(remote.code, 2);
    assert.match(remote.stderr, /--ledger-url "http:\/\/10\.0\.0\.8:9000" must be on 127\.0\.0\.1 or localhost/);
    const missing = await inProcess(['check', '--k6', path.join(dir, 'nope.json'), '--scenario', scenarioFile, '--ledger-url', topology!.urls.ledgerStore]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--k6 .*nope\.json: no such file/);

    // Not k6 JSON (k6's CSV output), a line past the size bound, a request point without its id: each names the file and the line.
    const cases: Array<[string, (l: string[]) => void, RegExp]> = [
      ['csv.json', (l) => l.splice(0, l.length, 'metric_name,timestamp,metric_value', 'http_reqs,1595325560,1.000000'), /csv\.json:1: not JSON/],
      ['long.json', (l) => (l[4] = `{"type":"Point","metric":"vus","data":{"time":"2025-01-01T00:00:00Z","value":1,"tags":{"x":"${'y'.repeat(300 * 1024)}"}}}`), /long\.json:5: line longer than 262144 bytes/],
      // A plain k6 script's output (no faultline_run declaration, no faultline_request points).
      ['plain-k6.json', (l) => l.splice(0, l.length, ...l.filter((x) => !x.includes('faultline_'))), /plain-k6\.json: no faultline_run point: not the output of a script written by `faultline export k6`/],
      ['no-id.json', (l) => { const i = l.findIndex((x) => x.includes('"metric":"faultline_request"') && x.includes('"type":"Point"')); l[i] = (l[i] as string).replace(/"id":"[^"]+",?/, ''); }, /no-id\.json:\d+: faultline_request point: "id" is missing/],
    ];
    for (const [name, edit, message] of cases) {
      const l = (await readFile(soundFile, 'utf8')).split('\n');
      edit(l);
      const f = path.join(dir, name);
      await writeFile(f, l.join('\n'));
      const r2 = await inProcess(['check', '--k6', f, '--scenario', scenarioFile, '--ledger-url', topology!.urls.ledgerStore, '--out', out]);
      assert.equal(r2.code, 2, `${name}: ${r2.stderr}`);
      assert.match(r2.stderr, message, name);
    }
    assert.equal(existsSync(out), false);
  });

  it('Ctrl-C judges what was read, marked incomplete (exit 130)', async () => {
    const controller = new AbortController();
    controller.abort('SIGINT');
    const out = path.join(dir, 'interrupted');
    const { summary } = await checkK6(scenario, { files: [soundFile], ledgerUrl: topology!.urls.ledgerStore, out, command: 'test', signal: controller.signal, log: () => {} });
    assert.equal(summary.incomplete, true);
    assert.equal(summary.verdict, 'inconclusive', summary.reasons.join('\n'));
    assert.equal(exitCodeFor(summary), 130);
    assert.ok(existsSync(path.join(out, 'summary.json')));
  });

  it('a pipeline that acknowledges a hold and never writes it fails exactly-once-holds: exit 1, naming the authorization', async () => {
    await topology?.stop();
    topology = null;
    // The ledger replica replaced by the node:http fixture with its lose-writes defect: every 25th hold it is
    // sent is answered `held` with the balances it would leave, and never reaches the store.
    const lossy: Scenario = {
      ...scenario,
      replace: { ledger: replacement({ command: `'${process.execPath}' '${FIXTURE_ENTRY}'`, replicas: 1, env: { NODE_LEDGER_DEFECT: 'lose-writes', NODE_LEDGER_LOSE_EVERY: '25' } }) },
    };
    topology = await startEmbeddedTopology(lossy.topology, { seed: lossy.seed, replace: lossy.replace });
    const file = path.join(dir, 'lossy.json');
    // Sent as a k6 older than 0.45 would run the script: no sample metadata, every field in the tags.
    await sendAsK6(lossy, { processorUrl: topology.urls.processors[0] as string, feedUrl: topology.urls.feeds[0] as string, out: file, noMetadata: true });
    const point = (await readFile(file, 'utf8')).split('\n').find((l) => l.includes('"metric":"faultline_request"') && l.includes('"type":"Point"')) as string;
    const data = (JSON.parse(point) as { data: { tags: Record<string, string>; metadata?: unknown } }).data;
    assert.equal(data.metadata, undefined);
    assert.ok(data.tags.id && data.tags.account && data.tags.start, point);
    const out = path.join(dir, 'lossy-check');
    // The feed of a lossy ledger never agrees with it: a short settle.
    const r = await inProcess(['check', '--k6', file, '--scenario', scenarioFile, '--ledger-url', topology.urls.ledgerStore, '--feed-url', topology.urls.feeds[0] as string, '--out', out, '--settle', '2s']);
    assert.equal(r.code, 1, r.stderr);
    const s = await readSummary(out);
    assert.equal(s.verdict, 'failed');
    const holds = s.invariants.find((i) => i.name === 'exactly-once-holds');
    assert.equal(holds?.validity, 'invalid', holds?.detail);
    assert.match(holds?.detail ?? '', /[1-9]\d* lost \(approved, no hold\)/);
    const lost = holds?.offending[0] as string;
    // The lost one is an authorization the k6 output shows approved.
    const approvedInFile = (await readFile(file, 'utf8')).split('\n').some((l) => l.includes('"faultline_request"') && l.includes(`"id":"${lost}"`) && l.includes('"decision":"approved"'));
    assert.ok(approvedInFile, `${lost} approved in the k6 output`);
    assert.ok(s.reasons.some((l) => l.startsWith('invariant exactly-once-holds failed (invalid)') && l.includes(lost)), s.reasons.join('\n'));
  });
});
