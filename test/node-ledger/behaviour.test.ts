// The node:http ledger replica (test/fixtures/node-ledger/) on its own terms, over real processes: two
// fixture replicas in front of one real ledger store. Idempotency by content on every replica, partial /
// over / other-currency releases, the HTTP faults faultline sets (through its own fault kinds), keep-alive
// to the store, the hop failures it names, a clean SIGTERM, its start-up errors, and that it is plain
// Node with no faultline code in it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { HopFailureBody } from '../../services/common/failure.ts';
import { HTTP_FAULTS_PATH } from '../../services/common/http-faults.ts';
import type { AccountView, AuthorizationState, HoldResponse, IdempotencyConflictBody, ReleaseResponse } from '../../services/ledger/contract.ts';
import { httpFaultKinds } from '../../harness/faults/http.ts';
import type { FaultContext, FaultKind, FaultReplica, FaultTopology } from '../../harness/faults/types.ts';
import { journalSum, readJournal, unbalancedEntries } from '../ledger/journal-check.ts';
import { call, startService, stopAll, type RunningService } from '../ledger/service-processes.ts';
import { FIXTURE_DIR, rawRequest, spawnNodeLedger, startNodeLedger, stopNodeLedgers, type NodeLedger } from './node-ledger.ts';

const SEED = 41;
const ACCOUNTS = 12;
const ACCOUNT = 'acc-000007';
let store: RunningService;
let replicas: NodeLedger[];

before(async () => {
  store = await startService('services/ledger/main-store.ts', { seed: SEED, accounts: ACCOUNTS });
  replicas = await Promise.all([
    startNodeLedger({ storeUrl: store.url, replica: 'ledger-1', seed: SEED }),
    startNodeLedger({ storeUrl: store.url, replica: 'ledger-2', seed: SEED }),
  ]);
});
after(async () => {
  await Promise.all([stopNodeLedgers(), stopAll()]);
});

const url = (i: number): string => replicas[i]!.url;
const gbp = (value: number) => ({ value, currency: 'GBP' });

async function openingBalance(): Promise<number> {
  return (await call<AccountView>('GET', `${store.url}/v1/accounts/${ACCOUNT}`)).body.available;
}

/** Waits, within a bound, for a condition to hold. */
async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('idempotency by content on every replica: same key and body replays the original answer, other content is 409', async () => {
  const claim = (value: number) => ({ scope: 'authorization', key: 'net-idem-1', fields: { 'amount.value': value, 'card.token': 'tok_9' } });
  const hold = { request_id: 'hold:idem-1', authorization_id: 'idem-1', account_id: ACCOUNT, amount: gbp(120), idempotency: claim(120) };

  const first = await call<HoldResponse>('POST', `${url(0)}/v1/holds`, hold);
  assert.equal(first.status, 200);
  assert.equal(first.body.result, 'held');
  assert.equal(first.body.replayed, false);

  // The same request through the other replica: the original answer, marked replayed.
  const again = await call<HoldResponse>('POST', `${url(1)}/v1/holds`, hold);
  assert.equal(again.status, 200);
  assert.deepEqual(again.body, { ...first.body, replayed: true });

  // A new attempt (its own request_id) with the same key and content: held once, replayed.
  const attempt = await call<HoldResponse>('POST', `${url(1)}/v1/holds`, { ...hold, request_id: 'hold:idem-1:2' });
  assert.equal(attempt.body.result, 'held');
  assert.equal(attempt.body.replayed, true);

  // The same key with other content: refused on either replica, naming the key and the field.
  for (const i of [0, 1]) {
    const conflict = await call<IdempotencyConflictBody>('POST', `${url(i)}/v1/holds`, { ...hold, request_id: `hold:idem-1:c${i}`, amount: gbp(121), idempotency: claim(121) });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.code, 'idempotency_conflict');
    assert.equal(conflict.body.key, 'net-idem-1');
    assert.deepEqual(conflict.body.fields, ['amount.value']);
  }
  // The same request_id with another amount: refused too.
  const reused = await call<IdempotencyConflictBody>('POST', `${url(1)}/v1/holds`, { ...hold, amount: gbp(999) });
  assert.equal(reused.status, 409);
  assert.equal(reused.body.key, 'hold:idem-1');

  const holds = (await readJournal(store.url)).filter((e) => e.kind === 'hold' && e.authorization_id === 'idem-1');
  assert.equal(holds.length, 1);
});

test('releases: partial, over, other currency, the rest, then nothing to reverse', async () => {
  const before = await openingBalance();
  const auth = 'rel-1';
  const hold = await call<HoldResponse>('POST', `${url(0)}/v1/holds`, { request_id: `hold:${auth}`, authorization_id: auth, account_id: ACCOUNT, amount: gbp(1000) });
  assert.equal(hold.body.result, 'held');
  const release = (i: number, request_id: string, amount: unknown) =>
    call<ReleaseResponse & { code?: string; field?: string }>('POST', `${url(i)}/v1/releases`, { request_id, authorization_id: auth, account_id: ACCOUNT, amount });

  const partial = await release(1, 'rev:rel-1:1', gbp(300));
  assert.equal(partial.status, 200);
  assert.equal(partial.body.result, 'released');
  assert.deepEqual(partial.body.amount, gbp(300));
  assert.equal(partial.body.account?.holds, 700 + (hold.body.account!.holds - 1000));

  const over = await release(0, 'rev:rel-1:2', gbp(701));
  assert.equal(over.status, 422);
  assert.equal(over.body.code, 'amount_exceeds_remaining');
  assert.equal(over.body.field, 'amount/value');

  const otherCurrency = await release(1, 'rev:rel-1:3', { value: 100, currency: 'EUR' });
  assert.equal(otherCurrency.status, 422);
  assert.equal(otherCurrency.body.code, 'currency_mismatch');

  const rest = await release(0, 'rev:rel-1:4', gbp(700));
  assert.equal(rest.body.result, 'released');
  assert.deepEqual(rest.body.amount, gbp(700));
  const nothing = await release(1, 'rev:rel-1:5', gbp(1));
  assert.equal(nothing.body.result, 'nothing_to_reverse');
  assert.equal(nothing.body.amount, null);

  assert.equal(await openingBalance(), before);
  const state = (await call<AuthorizationState>('GET', `${url(1)}/v1/authorizations/${auth}`)).body;
  assert.deepEqual({ holds: state.holds, releases: state.releases }, { holds: 1, releases: 2 });
  const journal = await readJournal(url(0));
  assert.deepEqual(unbalancedEntries(journal), []);
  assert.equal(journalSum(journal), 0);
});

test('one hold per authorization: released in full, a hold under a new request_id is 409 one_hold_per_authorization, on either replica', async () => {
  const before = await openingBalance();
  const auth = 'once-1';
  const first = await call<HoldResponse>('POST', `${url(0)}/v1/holds`, { request_id: `hold:${auth}`, authorization_id: auth, account_id: ACCOUNT, amount: gbp(400) });
  assert.equal(first.body.result, 'held');
  const released = await call<ReleaseResponse>('POST', `${url(1)}/v1/releases`, { request_id: `rev:${auth}`, authorization_id: auth, account_id: ACCOUNT, amount: gbp(400) });
  assert.equal(released.body.result, 'released');
  for (const i of [0, 1]) {
    const again = await call<{ code?: string; field?: string; error?: string }>('POST', `${url(i)}/v1/holds`, {
      request_id: `hold:${auth}:new-${i}`,
      authorization_id: auth,
      account_id: ACCOUNT,
      amount: gbp(400),
    });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(again.body.code, 'one_hold_per_authorization');
    assert.equal(again.body.field, 'authorization_id');
  }
  const state = (await call<AuthorizationState>('GET', `${url(0)}/v1/authorizations/${auth}`)).body;
  assert.equal(state.holds, 1, 'held once');
  assert.equal(await openingBalance(), before, 'nothing stays held');
});

// --- HTTP faults, set by faultline's own fault kinds (harness/faults/http.ts) on the fixture's admin route.

function kind(name: string): FaultKind {
  const found = httpFaultKinds.find((k) => k.kind === name);
  if (!found) throw new Error(`no fault kind ${name}`);
  return found;
}

function faultContext(): FaultContext {
  const all: FaultReplica[] = replicas.map((r, i) => ({ name: `ledger-${i + 1}`, service: 'ledger', directUrl: r.url, running: true }));
  const unused = (): never => {
    throw new Error('not used by HTTP faults');
  };
  const topology: FaultTopology = {
    resolveTarget: (target) => {
      const found = all.filter((r) => r.name === target || r.service === target);
      if (found.length === 0) throw new Error(`unknown target ${target}`);
      return found;
    },
    signal: unused,
    terminate: unused,
    restart: unused,
  };
  return { toxiproxy: new Toxiproxy('http://127.0.0.1:1'), topology, discoveryUrl: 'http://127.0.0.1:1', seed: 12, log: () => {} };
}

async function applyFault(name: string, windowName: string, target: string, params: Record<string, unknown>) {
  const k = kind(name);
  return k.apply({ name: windowName, fault: name, target }, k.params.parse(params), faultContext());
}

const holdBody = (id: string) => ({ request_id: `hold:${id}`, authorization_id: id, account_id: ACCOUNT, amount: gbp(25) });

test('http.abort and http.delay from faultline reach the fixture: the abort never reaches the store; heal clears the rules', async () => {
  const entries = (await readJournal(store.url)).length;
  const abort = await applyFault('http.abort', 'abort-holds', 'ledger', { percent: 100, status: 503, routes: ['/v1/holds'] });
  for (const i of [0, 1]) {
    const res = await rawRequest(`${url(i)}/v1/holds`, { body: JSON.stringify(holdBody('aborted-1')) });
    assert.equal(res.status, 503);
    assert.equal(res.headers['x-faultline-fault'], 'abort');
    assert.deepEqual(JSON.parse(res.text), { error: 'fault injected: abort (rule abort-holds)', code: 'FAULT_INJECTED', status: 503 });
    assert.equal((await call('GET', `${url(i)}/v1/accounts/${ACCOUNT}`)).status, 200, 'other routes untouched');
  }
  assert.equal((await readJournal(store.url)).length, entries);
  await abort.heal();
  for (const i of [0, 1]) assert.deepEqual((await call('GET', `${url(i)}${HTTP_FAULTS_PATH}`)).body, { rules: {} });

  const delay = await applyFault('http.delay', 'slow-1', 'ledger-1', { percent: 100, delay_ms: 1000 });
  try {
    const t0 = performance.now();
    assert.equal((await call('GET', `${url(0)}/v1/accounts/${ACCOUNT}`)).status, 200);
    const slow = performance.now() - t0;
    const t1 = performance.now();
    assert.equal((await call('GET', `${url(1)}/v1/accounts/${ACCOUNT}`)).status, 200);
    const fast = performance.now() - t1;
    assert.ok(slow >= 990, `the delayed replica answered in ${slow} ms`);
    assert.ok(fast < 800, `the other replica answered in ${fast} ms`);
  } finally {
    await delay.heal();
  }
});

test('http.fail_after_commit on the fixture: the client sees a reset, the store has the hold, the retry replays it', async () => {
  const fault = await applyFault('http.fail_after_commit', 'lost-answers', 'ledger-1', { percent: 100, routes: ['/v1/holds'] });
  try {
    await assert.rejects(rawRequest(`${url(0)}/v1/holds`, { body: JSON.stringify(holdBody('lost-1')) }), (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET');
    const state = await call<AuthorizationState>('GET', `${store.url}/v1/authorizations/lost-1`);
    assert.equal(state.body.held, true, 'the store committed the hold');
    // The retry goes to the other replica, as a router would: the committed answer, replayed.
    const retry = await call<HoldResponse>('POST', `${url(1)}/v1/holds`, holdBody('lost-1'));
    assert.equal(retry.body.result, 'held');
    assert.equal(retry.body.replayed, true);
    // Reads on the faulted replica are not in the rule's routes.
    assert.equal((await call('GET', `${url(0)}/v1/authorizations/lost-1`)).status, 200);
  } finally {
    await fault.heal();
  }
  const again = await call<HoldResponse>('POST', `${url(0)}/v1/holds`, holdBody('lost-1'));
  assert.equal(again.body.replayed, true);
  const holds = (await readJournal(store.url)).filter((e) => e.kind === 'hold' && e.authorization_id === 'lost-1');
  assert.equal(holds.length, 1);
});

test('a fault percentage draws from a seeded generator: the same seed, replica and rule lose the same requests', async () => {
  const twins = await Promise.all([1, 2].map(() => startNodeLedger({ storeUrl: store.url, replica: 'ledger-9', seed: 77 })));
  try {
    const patterns: string[] = [];
    for (const twin of twins) {
      const put = await call('PUT', `${twin.url}${HTTP_FAULTS_PATH}/coin`, { fail_after_commit: { percent: 40 }, routes: ['/v1/authorizations/'] });
      assert.equal(put.status, 200);
      let pattern = '';
      for (let i = 0; i < 60; i++) {
        pattern += await rawRequest(`${twin.url}/v1/authorizations/coin-${i}`).then(
          () => '.',
          () => 'x',
        );
      }
      patterns.push(pattern);
    }
    assert.equal(patterns[0], patterns[1], 'same seed, same draws');
    const lost = [...patterns[0]!].filter((c) => c === 'x').length;
    assert.ok(lost >= 10 && lost <= 40, `40% of 60 requests lost: ${lost} (${patterns[0]})`);
  } finally {
    await Promise.all(twins.map((t) => t.stop()));
  }
});

// --- The store hop.

/** A TCP relay that counts the connections made through it. */
async function countingRelay(target: URL): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    count++;
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

test('keep-alive to the store: hundreds of requests travel over a handful of connections', async () => {
  const relay = await countingRelay(new URL(store.url));
  const replica = await startNodeLedger({ storeUrl: relay.url, replica: 'ledger-8' });
  try {
    for (let i = 0; i < 150; i++) assert.equal((await call('GET', `${replica.url}/v1/accounts/${ACCOUNT}`)).status, 200);
    assert.ok(relay.connections() <= 2, `150 sequential requests opened ${relay.connections()} connections to the store`);
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 20; i++) assert.equal((await call('POST', `${replica.url}/v1/holds`, holdBody(`ka-${w}-${i}`))).status, 200);
      }),
    );
    assert.ok(relay.connections() <= 10, `8 concurrent clients opened ${relay.connections()} connections to the store`);
  } finally {
    await replica.stop();
    await relay.close();
  }
});

test('the store slow, failing or gone: 504, 502 and 503 naming the hop ledger->store; health stays up', async () => {
  const own = await startService('services/ledger/main-store.ts', { seed: 3, accounts: 3 });
  const replica = await startNodeLedger({ storeUrl: own.url, replica: 'ledger-7', env: { NODE_LEDGER_STORE_TIMEOUT_MS: '300' } });
  const hold = holdBody('hop-1');
  hold.account_id = 'acc-000001';
  try {
    const expectHop = async (status: number, cause: string) => {
      const res = await call<HopFailureBody>('POST', `${replica.url}/v1/holds`, hold);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.hop, 'ledger->store');
      assert.equal(res.body.cause, cause);
      assert.equal(res.body.attempts, 1);
    };
    // The store's own HTTP faults (it runs faultline's fault plugin) make it slow, then failing.
    assert.equal((await call('PUT', `${own.url}${HTTP_FAULTS_PATH}/slow`, { delay: { delay_ms: 1500 } })).status, 200);
    await expectHop(504, 'timeout');
    await call('DELETE', `${own.url}${HTTP_FAULTS_PATH}`);
    assert.equal((await call('PUT', `${own.url}${HTTP_FAULTS_PATH}/broken`, { abort: { status: 500 } })).status, 200);
    await expectHop(502, 'http_5xx');
    await call('DELETE', `${own.url}${HTTP_FAULTS_PATH}`);
    assert.equal((await call('PUT', `${own.url}${HTTP_FAULTS_PATH}/lossy`, { fail_after_commit: {} })).status, 200);
    await expectHop(502, 'reset');
    await call('DELETE', `${own.url}${HTTP_FAULTS_PATH}`);
    // The hold the lossy store committed is replayed now.
    const replay = await call<HoldResponse>('POST', `${replica.url}/v1/holds`, hold);
    assert.equal(replay.body.replayed, true);
    await own.stop();
    // A kept-alive connection the store closed on its way out can still sit in the replica's pool when the
    // machine is busy: a call on it is a reset (502), and the next one finds the store gone.
    const first = await call<HopFailureBody>('POST', `${replica.url}/v1/holds`, hold);
    if (!(first.status === 502 && first.body.cause === 'reset')) assert.equal(first.status, 503, JSON.stringify(first.body));
    await expectHop(503, 'connection_refused');
    assert.equal((await call('GET', `${replica.url}/health`)).status, 200);
  } finally {
    await replica.stop();
    await own.stop();
  }
});

// --- Process life.

test('SIGTERM: stops accepting at once, finishes the request in flight, exits 0', async () => {
  // A drain bound far above the request's 0.8 s: an exit well before it means the request in flight, not the bound, ended the drain.
  const replica = await startNodeLedger({ storeUrl: store.url, replica: 'ledger-6', env: { NODE_LEDGER_DRAIN_MS: '20000' } });
  await call('PUT', `${replica.url}${HTTP_FAULTS_PATH}/slow`, { delay: { delay_ms: 800 }, routes: ['/v1/holds'] });
  const inFlight = rawRequest(`${replica.url}/v1/holds`, { body: JSON.stringify(holdBody('drain-1')) });
  await new Promise((r) => setTimeout(r, 200));
  const t0 = performance.now();
  replica.child.kill('SIGTERM');
  await eventually('the replica refuses new connections', () =>
    rawRequest(`${replica.url}/health`, { timeoutMs: 1000 }).then(
      () => false,
      (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED',
    ),
  );
  const answer = await inFlight;
  assert.equal(answer.status, 200);
  assert.equal((JSON.parse(answer.text) as HoldResponse).result, 'held');
  assert.equal(answer.headers.connection, 'close');
  const exit = await Promise.race([replica.exited, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
  assert.deepEqual(exit, { code: 0, signal: null }, replica.output());
  assert.ok(performance.now() - t0 < 8000, 'exits when the last request is answered, not at the drain bound');
  assert.equal((await call<AuthorizationState>('GET', `${store.url}/v1/authorizations/drain-1`)).body.holds, 1);
});

async function exitOf(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawnNodeLedger(env);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
  const code = await Promise.race([
    new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c))),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running after 10 s: ${output}`)), 10_000)),
  ]).finally(() => child.kill('SIGKILL'));
  return { code, output };
}

test('start-up errors name the variable: exit 2 for bad settings, 3 when the port is taken', async () => {
  const missing = await exitOf({ PORT: '0' });
  assert.equal(missing.code, 2);
  assert.match(missing.output, /FAULTLINE_LEDGER_STORE_URL is required/);
  const badDefect = await exitOf({ PORT: '0', FAULTLINE_LEDGER_STORE_URL: store.url, NODE_LEDGER_DEFECT: 'lose-money' });
  assert.equal(badDefect.code, 2);
  assert.match(badDefect.output, /NODE_LEDGER_DEFECT must be one of reuse-first-answer, 500-on-malformed/);
  const badPort = await exitOf({ PORT: 'eighty', FAULTLINE_LEDGER_STORE_URL: store.url });
  assert.equal(badPort.code, 2);
  assert.match(badPort.output, /PORT must be an integer/);
  const taken = await exitOf({ PORT: String(replicas[0]!.port), FAULTLINE_LEDGER_STORE_URL: store.url, FAULTLINE_REPLICA: 'ledger-5' });
  assert.equal(taken.code, 3);
  assert.match(taken.output, /ledger-5: cannot listen on 127\.0\.0\.1:\d+/);
});

test('independent: plain JavaScript that imports only Node built-ins and its own files', () => {
  const files = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.mjs'));
  assert.ok(files.includes('replica.mjs') && files.length >= 5, files.join(', '));
  for (const file of files) {
    // Code only: JSDoc type annotations such as {import('./checks.mjs').Check} are not imports.
    const source = readFileSync(`${FIXTURE_DIR}${file}`, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const specifiers = [...source.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
    for (const specifier of specifiers) {
      assert.ok(specifier.startsWith('node:') || /^\.\/[\w-]+\.mjs$/.test(specifier), `${file} imports ${specifier}`);
    }
    assert.doesNotMatch(source, /\bimport\(|\brequire\(/, `${file} loads modules dynamically`);
  }
});
