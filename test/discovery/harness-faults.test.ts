// The scenario-facing discovery fault kinds (harness/faults/discovery.ts) against a real discovery stub.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { discoveryFaultKinds } from '../../harness/faults/discovery.ts';
import { DISCOVERY_FAULT_KINDS } from '../../services/discovery/faults/catalog.ts';
import type { FaultContext } from '../../harness/faults/types.ts';
import type { FaultWindow } from '../../harness/scenario/schema.ts';
import type { Endpoints } from '../../services/discovery/contract.ts';
import { admin, call, register, startDiscovery, type RunningDiscovery } from './support.ts';

const kind = (name: string) => {
  const k = discoveryFaultKinds.find((f) => f.kind === name);
  if (!k) throw new Error(`no kind ${name}`);
  return k;
};
const window = (fault: string, target: string, params: Record<string, unknown> = {}): FaultWindow => ({ name: `w-${fault}`, fault, target, start_s: 0, end_s: 1, params });

describe('harness discovery fault kinds', () => {
  let d: RunningDiscovery;
  let ctx: FaultContext;
  const logs: string[] = [];

  before(async () => {
    d = await startDiscovery();
    await register(d.url, 'ledger', 'ledger-1', 8001);
    // Only discoveryUrl and log are used by discovery faults; the rest of the context is not touched.
    ctx = { discoveryUrl: d.url, seed: 1, log: (m: string) => logs.push(m) } as unknown as FaultContext;
  });
  after(async () => {
    await d.close();
  });

  it('has one discovery.<kind> per registered discovery fault, all targeting discovery services', () => {
    const kinds = discoveryFaultKinds.map((k) => k.kind).sort();
    assert.deepEqual(kinds, DISCOVERY_FAULT_KINDS.map((k) => `discovery.${k}`).sort());
    for (const known of [
      'discovery.dead_endpoints',
      'discovery.empty_subsets',
      'discovery.fail_api',
      'discovery.flap',
      'discovery.hang_api',
      'discovery.null_subsets',
      'discovery.slow_api',
      'discovery.stall_watch',
    ]) {
      assert.ok(kinds.includes(known), known);
    }
    for (const k of discoveryFaultKinds) assert.equal(k.target, 'discovery-service');
  });

  it('validates params strictly, with defaults', () => {
    assert.equal(kind('discovery.null_subsets').params.safeParse({ service: 'x' }).success, false, 'the service comes from the target');
    assert.equal(kind('discovery.fail_api').params.safeParse({ status: 200 }).success, false);
    assert.deepEqual(kind('discovery.fail_api').params.parse({}), { status: 503, percent: 100 });
    assert.deepEqual(kind('discovery.flap').params.parse({}), { period_ms: 1000 });
    assert.equal(kind('discovery.dead_endpoints').params.safeParse({ count: 0 }).success, false);
    assert.equal(kind('discovery.stall_watch').params.safeParse({ extra: 1 }).success, false);
  });

  it('applies a service fault to the target service and heals only it', async () => {
    const k = kind('discovery.null_subsets');
    const active = await k.apply(window(k.kind, 'ledger'), k.params.parse({}), ctx);
    const during = (await call(d.url, 'GET', '/api/v1/namespaces/payments/endpoints/ledger')).body as Endpoints;
    assert.equal(during.subsets, null);
    await active.heal();
    const healed = (await call(d.url, 'GET', '/api/v1/namespaces/payments/endpoints/ledger')).body as Endpoints;
    assert.equal(healed.subsets?.length, 1);
  });

  it('applies an API-wide fault with target "discovery" and heals it', async () => {
    const k = kind('discovery.fail_api');
    const active = await k.apply(window(k.kind, 'discovery'), k.params.parse({ percent: 100, status: 500 }), ctx);
    assert.equal((await call(d.url, 'GET', '/api/v1/namespaces/payments/endpoints')).status, 500);
    await active.heal();
    assert.equal((await call(d.url, 'GET', '/api/v1/namespaces/payments/endpoints')).status, 200);
    const state = (await admin(d.url, 'GET', '/__admin/state')) as { faults: unknown[] };
    assert.deepEqual(state.faults, []);
  });

  it('rejects a target that does not fit the kind, naming it', async () => {
    await assert.rejects(kind('discovery.stall_watch').apply(window('discovery.stall_watch', 'ledger'), {}, ctx), /target must be "discovery"/);
    await assert.rejects(kind('discovery.flap').apply(window('discovery.flap', 'discovery'), { period_ms: 100 }, ctx), /targets one service/);
  });

  it('logs when the target service does not exist yet', async () => {
    const k = kind('discovery.empty_subsets');
    const active = await k.apply(window(k.kind, 'ghost'), {}, ctx);
    assert.ok(logs.some((l) => l.includes('"ghost"')));
    await active.heal();
  });
});
