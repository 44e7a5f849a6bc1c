// The router tuning override reaches a running processor: its router reports the tuning it was given, a
// defence switched off changes what it does (lenient parsing off: a null object elsewhere poisons it), and
// a processor restarted on a new port gets the same tuning again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmbeddedTopology } from '../../harness/topology/embedded.ts';
import { topologySchema } from '../../harness/scenario/schema.ts';
import type { RouterSnapshot } from '../../services/router/index.ts';
import { waitFor } from '../support/processes.ts';

async function routerOf(url: string): Promise<RouterSnapshot> {
  const res = await fetch(`${url}/__admin/router`, { signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 200);
  return (await res.json()) as RouterSnapshot;
}

test('a processor started with router_tuning runs its router with it, and keeps it when restarted', async () => {
  const spec = topologySchema.parse({ processors: 1, ledgers: 1, scaled_to_zero: ['current-account'], router_tuning: { lenient_parsing: 'off', attempt_timeout_ms: 700 } });
  const topology = await startEmbeddedTopology(spec, { seed: 3 });
  try {
    const processor = (): string => topology.replicas('card-processor')[0]!.directUrl;
    const first = await routerOf(processor());
    assert.equal(first.policy, 'hardened');
    assert.equal(first.tuning?.defences.lenient_parsing, false);
    assert.equal(first.tuning?.defences.ejection, true);
    assert.equal(first.tuning?.attemptTimeoutMs, 700);
    assert.equal(first.resolution.state, 'ok');

    const fault = `${topology.urls.discovery}/__admin/faults/null_subsets`;
    const put = await fetch(fault, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'current-account' }), signal: AbortSignal.timeout(5000) });
    assert.equal(put.status < 300, true, await put.text());
    await waitFor(async () => (await routerOf(processor())).resolution.state === 'poisoned', 10_000, 'the strict router is poisoned by the null');
    await fetch(`${fault}?service=current-account`, { method: 'DELETE', signal: AbortSignal.timeout(5000) });
    await waitFor(async () => (await routerOf(processor())).resolution.state === 'ok', 10_000, 'a clean list heals it');

    await topology.restart('card-processor-1', { newPort: true });
    const again = await routerOf(processor());
    assert.equal(again.tuning?.defences.lenient_parsing, false, 'the restarted processor got the same tuning');
    assert.equal(again.tuning?.attemptTimeoutMs, 700);
  } finally {
    await topology.stop();
  }
});
