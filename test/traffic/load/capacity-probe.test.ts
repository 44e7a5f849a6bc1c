import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seedAccounts } from '../../../services/common/accounts.ts';
import type { AuthorizationRequest } from '../../../services/card-processor/contract.ts';
import { runCapacityProbe } from '../../../harness/traffic/load/capacity-probe.ts';
import { decision, json, startServer, traffic, within } from '../helpers.ts';

const accounts = seedAccounts(1, 300);

test('autocannon sends varied authorization bodies: the server sees distinct ids', async () => {
  const server = await startServer((req, res) => {
    const b = req.body as AuthorizationRequest;
    // one in ten answers is a technical failure: it must not count as success
    if (Number(b.id.split('-').pop()) % 10 === 9) return json(res, 503, { error: 'down' });
    json(res, 200, decision(b, b.amount.value > 3000 ? 'declined' : 'approved'));
  });
  try {
    const r = await within(20_000, runCapacityProbe({ url: server.url, seed: 3, traffic: traffic(), accounts, connections: 4, pipelining: 1, durationS: 2 }));
    const bodies = server.seen.filter((s) => s.url === '/v1/authorizations').map((s) => s.body as AuthorizationRequest);
    assert.ok(bodies.length > 20, `only ${bodies.length} requests`);
    const ids = new Set(bodies.map((b) => b.id));
    assert.equal(ids.size, bodies.length, 'every request had its own id');
    assert.ok(bodies.every((b) => /^cap-3-\d+$/.test(b.id)));
    // Amounts are drawn log-normal in integer pence: thousands of draws collide, so ask for variety, not uniqueness.
    const distinctAmounts = new Set(bodies.map((b) => b.amount.value)).size;
    assert.ok(distinctAmounts > Math.min(bodies.length / 3, 100), `amounts vary (${distinctAmounts} distinct of ${bodies.length})`);
    assert.ok(r.requests >= bodies.length - 8 && r.requests <= bodies.length);
    assert.ok(r.success_share > 0.75 && r.success_share < 0.97, `success share ${r.success_share}`);
    assert.ok(r.requests_per_s > 0 && r.success_per_s < r.requests_per_s);
    assert.ok(r.latency_ms.p50 > 0 && r.latency_ms.p99 >= r.latency_ms.p50 && r.latency_ms.max >= r.latency_ms.p99);
    assert.equal(r.connections, 4);
  } finally {
    await server.close();
  }
});

test('pipelining and an abort signal are honoured', async () => {
  const server = await startServer((req, res) => json(res, 200, decision(req.body)));
  try {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const t0 = performance.now();
    const r = await within(20_000, runCapacityProbe({ url: server.url, seed: 1, traffic: traffic(), accounts, connections: 2, pipelining: 4, durationS: 10, signal: controller.signal }));
    assert.ok(performance.now() - t0 < 5000, 'stopped early');
    assert.equal(r.pipelining, 4);
    assert.ok(r.success_share > 0.99);
  } finally {
    await server.close();
  }
});
