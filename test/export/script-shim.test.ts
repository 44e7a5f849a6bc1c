// The exported k6 script's default function, run under a k6-API SHIM (k6 itself cannot be installed here;
// see k6-shim.ts) against the embedded pipeline: the requests it sends are the scenario's own, they are
// valid (2xx with a decision), and the outcome counters add up.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { seedAccounts } from '../../services/common/accounts.ts';
import { exportK6 } from '../../harness/export/k6/export.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { topologySchema, type Scenario } from '../../harness/scenario/schema.ts';
import { startEmbeddedTopology } from '../../harness/topology/embedded.ts';
import type { RunningTopology } from '../../harness/topology/types.ts';
import { planTraffic } from '../../harness/traffic/requests/generator.ts';
import type { PlannedRequest } from '../../harness/traffic/requests/planned-request.ts';
import { runUnderShim, type MetricRecord, type ShimRun } from './k6-shim.ts';

const ITERATIONS = 30;

function firstRequests(scenario: Scenario, count: number): PlannedRequest[] {
  const out: PlannedRequest[] = [];
  const plan = planTraffic({ seed: scenario.seed, traffic: scenario.traffic, accounts: seedAccounts(scenario.seed, scenario.topology.accounts) });
  for (const req of plan) {
    out.push(req);
    if (out.length >= count) break;
  }
  return out;
}

const count = (m: MetricRecord | undefined): number => (m ? m.values.reduce<number>((sum, v) => sum + Number(v), 0) : 0);
const trues = (m: MetricRecord | undefined): number => (m ? m.values.filter((v) => v === true).length : 0);

describe('exported k6 script under a k6-API shim, against the embedded pipeline', () => {
  let topology: RunningTopology | undefined;
  let dir = '';
  let scenario: Scenario;
  let processorUrl = '';
  let feedUrl = '';

  before(async () => {
    ({ scenario } = await loadScenario('baseline'));
    dir = await mkdtemp(path.join(tmpdir(), 'faultline-k6-shim-'));
    topology = await startEmbeddedTopology(topologySchema.parse({}), { seed: scenario.seed });
    processorUrl = topology.urls.processors[0] as string;
    feedUrl = topology.urls.feeds[0] as string;
    // Defaults point elsewhere: BASE_URL and FEED_URL from __ENV must win, as `k6 run -e` makes them.
    await exportK6(scenario, { outDir: dir, parallelism: 2, baseUrl: 'http://127.0.0.1:9', feedUrl: 'http://127.0.0.1:9' });
  });

  after(async () => {
    await topology?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test(`${ITERATIONS} iterations send the scenario's requests, valid, with every outcome counted`, { timeout: 120_000 }, async () => {
    const planned = firstRequests(scenario, ITERATIONS);
    const run: ShimRun = await runUnderShim({
      dir,
      env: { BASE_URL: processorUrl, FEED_URL: feedUrl },
      iterations: Array.from({ length: ITERATIONS }, (_, i) => i),
      timeoutMs: 90_000,
    });

    // One request per iteration, in plan order, to the right place, with faultline's own bodies byte for byte.
    assert.equal(run.sent.length, ITERATIONS);
    planned.forEach((req, i) => {
      const sent = run.sent[i];
      assert.ok(sent, `iteration ${i} sent nothing`);
      switch (req.kind) {
        case 'authorization':
          assert.equal(sent.method, 'POST');
          assert.equal(sent.url, `${processorUrl}/v1/authorizations`);
          assert.equal(sent.body, JSON.stringify(req.body));
          assert.equal(sent.timeoutMs, scenario.network.issuer_deadline_ms);
          break;
        case 'reversal':
          assert.equal(sent.url, `${processorUrl}/v1/reversals`);
          assert.equal(sent.body, JSON.stringify(req.body));
          break;
        case 'balance':
        case 'feed':
          assert.equal(sent.method, 'GET');
          assert.equal(sent.url, `${feedUrl}/v1/accounts/${req.account_id}/${req.kind}`);
          break;
        default:
          assert.fail(`k6 never sends a ${req.kind}`);
      }
    });

    // Every request valid: 2xx, and every authorization answered with a decision.
    for (const s of run.sent) assert.ok(s.status >= 200 && s.status < 300, `${s.method} ${s.url} answered ${s.status}: ${s.responseBody}`);
    const authorizations = run.sent.filter((s) => s.url.endsWith('/v1/authorizations'));
    const reads = run.sent.filter((s) => s.method === 'GET');
    assert.ok(authorizations.length >= 20, `expected mostly authorizations, got ${authorizations.length}`);
    assert.ok(reads.length >= 1, 'expected some app reads among the first requests');
    const decisions = authorizations.map((s) => (JSON.parse(s.responseBody ?? '{}') as { decision?: string }).decision);
    for (const d of decisions) assert.ok(d === 'approved' || d === 'declined', `decision ${d}`);

    // The outcome counters add up, and agree with what the pipeline answered.
    const m = run.metrics;
    assert.equal(m.authorizations_approved?.type, 'Counter');
    assert.equal(m.authorization_success_rate?.type, 'Rate');
    assert.equal(m.authorization_latency?.type, 'Trend');
    assert.equal(m.authorization_latency?.isTime, true);
    const approved = count(m.authorizations_approved);
    const declined = count(m.authorizations_declined);
    const failed = count(m.authorizations_failed);
    assert.equal(approved, decisions.filter((d) => d === 'approved').length);
    assert.equal(declined, decisions.filter((d) => d === 'declined').length);
    assert.equal(failed, 0);
    assert.equal(approved + declined + failed, authorizations.length);
    assert.equal(m.authorization_success_rate?.values.length, authorizations.length);
    assert.equal(trues(m.authorization_success_rate), approved + declined);
    assert.equal(trues(m.issuer_success_rate), approved + declined);
    assert.equal(m.approval_rate?.type, 'Rate');
    assert.equal(m.approval_rate?.values.length, approved + declined, 'one sample per issuer decision');
    assert.equal(trues(m.approval_rate), approved);
    assert.equal(m.authorization_latency?.values.length, authorizations.length);
    for (const v of m.authorization_latency?.values ?? []) assert.ok(typeof v === 'number' && v >= 0 && v < scenario.network.issuer_deadline_ms + 1000);
    assert.equal(m.app_success_rate?.values.length, reads.length);
    assert.equal(trues(m.app_success_rate), reads.length);

    // Checks: one per request, all passing.
    assert.deepEqual(run.checks['authorization answered with a decision'], { passes: authorizations.length, fails: 0 });
    const readChecks = Object.entries(run.checks).filter(([name]) => name.endsWith('read answered'));
    assert.equal(readChecks.reduce((n, [, c]) => n + c.passes, 0), reads.length);
    assert.ok(readChecks.every(([, c]) => c.fails === 0));
  });

  test('a reversal from the plan goes to /v1/reversals and is answered with a result', { timeout: 60_000 }, async () => {
    const planned = firstRequests(scenario, 5000);
    const at = planned.findIndex((r) => r.kind === 'reversal');
    assert.ok(at > 0, 'the baseline plan has reversals');
    const run = await runUnderShim({ dir, env: { BASE_URL: processorUrl, FEED_URL: feedUrl }, iterations: [at], timeoutMs: 30_000 });
    const [sent] = run.sent;
    assert.equal(sent?.url, `${processorUrl}/v1/reversals`);
    assert.equal(sent?.body, JSON.stringify((planned[at] as Extract<PlannedRequest, { kind: 'reversal' }>).body));
    assert.ok(sent && sent.status >= 200 && sent.status < 300, `reversal answered ${sent?.status}: ${sent?.responseBody}`);
    assert.deepEqual(run.checks['reversal answered with a result'], { passes: 1, fails: 0 });
  });

  test('an iteration past the last request sends nothing', { timeout: 30_000 }, async () => {
    const run = await runUnderShim({ dir, env: { BASE_URL: processorUrl, FEED_URL: feedUrl }, iterations: [10_000_000], timeoutMs: 20_000 });
    assert.equal(run.sent.length, 0);
  });

  test('no usable answer is a failed authorization, never a decline', { timeout: 30_000 }, async () => {
    const at = firstRequests(scenario, 100).findIndex((r) => r.kind === 'authorization');
    // Nothing listens on port 9 of loopback: connection refused.
    const run = await runUnderShim({ dir, env: { BASE_URL: 'http://127.0.0.1:9', FEED_URL: 'http://127.0.0.1:9' }, iterations: [at], timeoutMs: 20_000 });
    assert.equal(run.sent[0]?.status, 0);
    assert.equal(count(run.metrics.authorizations_failed), 1);
    assert.equal(count(run.metrics.authorizations_declined), 0);
    assert.deepEqual(run.metrics.authorization_success_rate?.values, [false]);
    assert.deepEqual(run.checks['authorization answered with a decision'], { passes: 0, fails: 1 });
  });
});
