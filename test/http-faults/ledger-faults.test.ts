// HTTP faults on the real ledger and feed processes, set through the harness's fault kinds
// (harness/faults/http.ts): abort, delay, and fail-after-commit, where the client sees ECONNRESET yet
// the ledger committed, and a retry with the same request_id gets the committed answer replayed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Toxiproxy } from 'toxiproxy-node-client';
import { HTTP_FAULTS_PATH, type HttpFaultRulesBody } from '../../services/common/http-faults.ts';
import type { HopFailureBody } from '../../services/common/failure.ts';
import type { AuthorizationState, HoldResponse } from '../../services/ledger/contract.ts';
import { httpFaultKinds } from '../../harness/faults/http.ts';
import type { FaultContext, FaultKind } from '../../harness/faults/types.ts';
import type { FaultWindow } from '../../harness/scenario/schema.ts';
import type { ReplicaInfo, ServiceName, TopologyControl } from '../../harness/topology/types.ts';
import { readJournal } from '../ledger/journal-check.ts';
import { call, startLedger, startService, stopAll, type LedgerCluster, type RunningService } from '../ledger/service-processes.ts';

/** The http.* kinds are derived from services/common/http-faults.ts's HTTP_FAULTS: look them up by name. */
function httpKind(name: string): FaultKind {
  const kind = httpFaultKinds.find((k) => k.kind === name);
  if (!kind) throw new Error(`no fault kind ${name}`);
  return kind;
}
const httpAbort = httpKind('http.abort');
const httpDelay = httpKind('http.delay');
const httpFailAfterCommit = httpKind('http.fail_after_commit');

let ledger: LedgerCluster;
let feed: RunningService;
let ctx: FaultContext;
const logs: string[] = [];

function replicaInfo(name: string, service: ServiceName, proc: RunningService): ReplicaInfo {
  return { name, service, pid: proc.info.pid, port: proc.info.port, url: proc.url, directUrl: proc.url, running: true, paused: false };
}

/** The slice of the topology the HTTP fault kinds use, over the real processes started here. */
function topologyOver(replicas: ReplicaInfo[]): TopologyControl {
  const unused = (): never => {
    throw new Error('not used by HTTP faults');
  };
  return {
    replicas: (service) => replicas.filter((r) => !service || r.service === service),
    resolveTarget: (target) => {
      const found = replicas.filter((r) => r.name === target || r.service === target);
      if (found.length === 0) throw new Error(`unknown target ${target}`);
      return found;
    },
    targetNames: () => [...new Set(replicas.flatMap((r) => [r.name, r.service]))],
    signal: unused,
    terminate: unused,
    restart: unused,
    register: unused,
    deregister: unused,
    urls: { toxiproxy: '', discovery: '', ledgerStore: ledger.store.url, processors: [], feeds: [feed.url], ledgers: ledger.replicas.map((r) => r.url) },
  };
}

function window(name: string, fault: string, target: string, params: Record<string, unknown>): FaultWindow {
  return { name, fault, target, start_s: 0, end_s: 10, params };
}

async function applyFault(kind: FaultKind, w: FaultWindow) {
  return kind.apply(w, kind.params.parse(w.params), ctx);
}

/** POST on a fresh connection with node:http so a reset surfaces as the socket error it is. */
function rawPost(url: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' }, timeout: 15_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const holdBody = (id: string) => ({
  request_id: `hold:${id}`,
  authorization_id: id,
  account_id: 'acc-000004',
  amount: { value: 25, currency: 'GBP' },
});

before(async () => {
  [ledger, feed] = await Promise.all([
    startLedger({ seed: 4, accounts: 10 }, 2),
    startService('services/feed/main.ts', { replica: 'feed-1', seed: 4, accounts: 10 }),
  ]);
  const replicas = [
    replicaInfo('ledger-store', 'ledger-store', ledger.store),
    replicaInfo('ledger-1', 'ledger', ledger.replicas[0]!),
    replicaInfo('ledger-2', 'ledger', ledger.replicas[1]!),
    replicaInfo('feed-1', 'feed', feed),
  ];
  ctx = {
    toxiproxy: new Toxiproxy('http://127.0.0.1:1'),
    topology: topologyOver(replicas),
    discoveryUrl: 'http://127.0.0.1:1',
    seed: 12,
    log: (m) => logs.push(m),
  };
});
after(stopAll);

test('the fault kinds are registered by name with strict params', () => {
  assert.deepEqual(httpFaultKinds.map((k) => k.kind), ['http.abort', 'http.delay', 'http.fail_after_commit']);
  assert.equal(httpAbort.params.safeParse({ percent: 50, status: 503, bogus: 1 }).success, false);
  assert.equal(httpAbort.params.safeParse({ percent: 150 }).success, false);
  assert.equal(httpDelay.params.safeParse({ percent: 50 }).success, false, 'delay_ms is required');
  assert.equal(httpFailAfterCommit.params.safeParse({ routes: ['v1/holds'] }).success, false);
  assert.deepEqual(httpAbort.params.parse({}), { percent: 100, status: 503 });
});

test('http.abort on the ledger service: every replica answers the status, nothing reaches the store; heal clears it', async () => {
  const before = (await readJournal(ledger.store.url)).length;
  const fault = await applyFault(httpAbort, window('abort-all', 'http.abort', 'ledger', { percent: 100, status: 503, routes: ['/v1/holds'] }));
  for (const replica of ledger.replicas) {
    const res = await call<{ code: string }>('POST', `${replica.url}/v1/holds`, holdBody('aborted-1'));
    assert.equal(res.status, 503);
    assert.equal(res.body.code, 'FAULT_INJECTED');
    assert.equal((await call('GET', `${replica.url}/v1/accounts/acc-000004`)).status, 200, 'other routes untouched');
  }
  assert.equal((await readJournal(ledger.store.url)).length, before);
  await fault.heal();
  for (const replica of ledger.replicas) {
    assert.deepEqual((await call<HttpFaultRulesBody>('GET', `${replica.url}${HTTP_FAULTS_PATH}`)).body, { rules: {} });
  }
  assert.equal((await call<HoldResponse>('POST', `${ledger.replicas[0]!.url}/v1/holds`, holdBody('aborted-1'))).body.result, 'held');
});

test('http.delay on one replica slows it and not the other', async () => {
  const fault = await applyFault(httpDelay, window('slow-1', 'http.delay', 'ledger-1', { percent: 100, delay_ms: 1000 }));
  try {
    const t0 = performance.now();
    assert.equal((await call('GET', `${ledger.replicas[0]!.url}/v1/accounts/acc-000001`)).status, 200);
    const slow = performance.now() - t0;
    const t1 = performance.now();
    assert.equal((await call('GET', `${ledger.replicas[1]!.url}/v1/accounts/acc-000001`)).status, 200);
    const fast = performance.now() - t1;
    assert.ok(slow >= 990, `delayed replica took ${slow} ms`);
    assert.ok(fast < 800, `other replica took ${fast} ms`);
  } finally {
    await fault.heal();
  }
});

test('http.fail_after_commit on a ledger replica: ECONNRESET, yet held; the retry replays the committed answer', async () => {
  const fault = await applyFault(httpFailAfterCommit, window('lost-answers', 'http.fail_after_commit', 'ledger-1', { percent: 100, routes: ['/v1/holds'] }));
  await assert.rejects(rawPost(`${ledger.replicas[0]!.url}/v1/holds`, holdBody('lost-1')), (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET');
  const state = await call<AuthorizationState>('GET', `${ledger.replicas[1]!.url}/v1/authorizations/lost-1`);
  assert.equal(state.body.held, true, 'the ledger committed the hold');
  // The retry goes to the other replica (as a router would), then to the healed one.
  const retry = await call<HoldResponse>('POST', `${ledger.replicas[1]!.url}/v1/holds`, holdBody('lost-1'));
  assert.equal(retry.status, 200);
  assert.equal(retry.body.result, 'held');
  assert.equal(retry.body.replayed, true);
  await fault.heal();
  const again = await call<HoldResponse>('POST', `${ledger.replicas[0]!.url}/v1/holds`, holdBody('lost-1'));
  assert.equal(again.body.replayed, true);
  const holds = (await readJournal(ledger.store.url)).filter((e) => e.kind === 'hold' && e.authorization_id === 'lost-1');
  assert.equal(holds.length, 1);
});

test('fail_after_commit on the store: the replica answers 502 naming ledger->store, and the retry replays', async () => {
  const fault = await applyFault(httpFailAfterCommit, window('store-lost', 'http.fail_after_commit', 'ledger-store', { percent: 100, routes: ['/v1/holds'] }));
  const res = await call<HopFailureBody>('POST', `${ledger.replicas[0]!.url}/v1/holds`, holdBody('lost-2'));
  assert.equal(res.status, 502);
  assert.equal(res.body.hop, 'ledger->store');
  assert.equal(res.body.cause, 'reset');
  await fault.heal();
  const retry = await call<HoldResponse>('POST', `${ledger.replicas[0]!.url}/v1/holds`, holdBody('lost-2'));
  assert.equal(retry.body.result, 'held');
  assert.equal(retry.body.replayed, true);
  assert.equal((await call<AuthorizationState>('GET', `${ledger.store.url}/v1/authorizations/lost-2`)).body.holds, 1);
});

test('the feed serves HTTP faults too, and heal is safe after the target died', async () => {
  const fault = await applyFault(httpAbort, window('feed-down', 'http.abort', 'feed', { percent: 100, status: 500 }));
  assert.equal((await call('GET', `${feed.url}/v1/accounts/acc-000001/balance`)).status, 500);
  await feed.stop();
  await fault.heal();
  assert.ok(logs.some((m) => m.includes('feed-down')), 'the failed clear is logged, not thrown');
});
