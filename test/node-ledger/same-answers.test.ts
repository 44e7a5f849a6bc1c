// The node:http ledger replica (test/fixtures/node-ledger/) answers as the mock replica does. Two ledger
// stores seeded alike, the mock replica in front of one and the fixture in front of the other; the same
// requests, in the same order, go to both, and every answer must match: status, content type, the
// x-faultline-fault header, and the body. The only fields allowed to differ are the ones that name the
// process rather than the ledger: /health's `store` (each replica has its own store's URL) and the journal's
// commit times (`at`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startService, stopAll, type RunningService } from '../ledger/service-processes.ts';
import { COMPARISON_ACCOUNTS, COMPARISON_SEED, comparisonCases, type Exchange } from './comparison-cases.ts';
import { startNodeLedger, stopNodeLedgers, type NodeLedger } from './node-ledger.ts';

let mock: RunningService;
let fixture: NodeLedger;

before(async () => {
  const config = { seed: COMPARISON_SEED, accounts: COMPARISON_ACCOUNTS };
  const [storeA, storeB] = await Promise.all([startService('services/ledger/main-store.ts', config), startService('services/ledger/main-store.ts', config)]);
  [mock, fixture] = await Promise.all([
    startService('services/ledger/main.ts', { replica: 'ledger-1', storeUrl: storeA.url, seed: 1 }),
    startNodeLedger({ storeUrl: storeB.url, replica: 'ledger-1' }),
  ]);
});
after(async () => {
  await Promise.all([stopAll(), stopNodeLedgers()]);
});

interface Seen {
  status: number;
  contentType: string | undefined;
  fault: string | undefined;
  body: unknown;
}

/** Replaces what legitimately differs between two processes with a placeholder. */
function normalise(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(normalise);
  if (typeof body !== 'object' || body === null) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    out[key] = key === 'at' && typeof value === 'number' ? '<time>' : key === 'store' && typeof value === 'string' ? '<store url>' : normalise(value);
  }
  return out;
}

async function send(base: string, exchange: Exchange): Promise<Seen> {
  const body = exchange.body === undefined ? undefined : typeof exchange.body === 'string' ? exchange.body : JSON.stringify(exchange.body);
  const headers = exchange.headers ?? (body === undefined ? {} : { 'content-type': 'application/json' });
  const res = await request(`${base}${exchange.path}`, {
    method: exchange.method as 'GET',
    headers,
    body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? '' : JSON.parse(text);
  } catch {
    // compared as text
  }
  return {
    status: res.statusCode,
    contentType: res.headers['content-type'] as string | undefined,
    fault: res.headers['x-faultline-fault'] as string | undefined,
    body: normalise(parsed),
  };
}

test('the fixture answers every request of the conversation exactly as the mock replica', async () => {
  const cases = comparisonCases();
  assert.ok(cases.length > 120, `${cases.length} cases`);
  const differences: string[] = [];
  const statuses = new Map<number, number>();
  for (const exchange of cases) {
    const fromMock = await send(mock.url, exchange);
    const fromFixture = await send(fixture.url, exchange);
    statuses.set(fromMock.status, (statuses.get(fromMock.status) ?? 0) + 1);
    try {
      assert.deepEqual(fromFixture, fromMock);
    } catch {
      differences.push(`${exchange.name} (${exchange.method} ${exchange.path.slice(0, 60)}):\n  mock    ${JSON.stringify(fromMock).slice(0, 400)}\n  fixture ${JSON.stringify(fromFixture).slice(0, 400)}`);
    }
  }
  assert.deepEqual(differences, [], differences.join('\n'));
  // The conversation really covers answers of every kind.
  for (const status of [200, 400, 403, 404, 409, 413, 414, 415, 418, 422]) assert.ok(statuses.has(status), `no ${status} in the conversation: ${[...statuses.keys()]}`);
});

test('health names the fixture as a ledger replica (the fields that differ are the ones excluded above)', async () => {
  const fromFixture = (await send(fixture.url, { name: 'health', method: 'GET', path: '/health' })).body;
  assert.deepEqual(fromFixture, { status: 'ok', service: 'ledger', replica: 'ledger-1', store: '<store url>' });
});
