// The service catalogue (services/catalogue.ts) is the one list of services: every list the harness keeps is
// derived from it, so what it says is what the topology, the scenario format, compose and the contracts do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONTRACT_SERVICES,
  REPLACEABLE_SERVICES,
  SCALED_SERVICES,
  SERVICE_NAMES,
  SERVICES,
  START_ORDER,
  STOP_ROUNDS,
  catalogueReplicas,
  replicaConfig,
  serviceEntry,
} from '../../services/catalogue.ts';
import { replaceSchema, topologySchema } from '../../harness/scenario/schema.ts';
import { replicaTargets } from '../../harness/scenario/targets.ts';
import { SERVICE_ENTRIES } from '../../harness/topology/service-bundle.ts';
import { infrastructurePlan, servicePlan } from '../../harness/topology/embedded-plan.ts';
import { planStack, readComposeFiles, readProxyConfig, COMPOSE_FILE } from '../../harness/topology/compose/stack.ts';
import { contractPath } from '../../harness/contract/files.ts';
import { CONFIG_FIELDS } from '../../harness/contract/service-config.ts';
import { ReplicaTable } from '../../harness/topology/replica-table.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('every entry file, contract and bundle the catalogue names exists, and the bundles are its entries plus the fault proxy', () => {
  for (const service of SERVICE_NAMES) {
    assert.ok(existsSync(path.join(ROOT, SERVICES[service].entry)), `${service}: ${SERVICES[service].entry}`);
    assert.ok(SERVICE_ENTRIES.includes(SERVICES[service].entry), `${service} is bundled`);
  }
  for (const service of CONTRACT_SERVICES) assert.ok(existsSync(contractPath(service)), `${service}'s contract`);
  assert.equal(SERVICE_ENTRIES.length, SERVICE_NAMES.length + 1);
});

test('the scenario format takes its services from the catalogue: replaceable ones, replica defaults and limits', () => {
  assert.deepEqual(Object.keys(replaceSchema.shape).sort(), [...REPLACEABLE_SERVICES].sort());
  assert.ok(!REPLACEABLE_SERVICES.includes('discovery' as never), 'discovery stays faultline\'s');
  const spec = topologySchema.parse({});
  for (const service of SCALED_SERVICES) {
    const { field, max } = SERVICES[service].scaled;
    assert.equal(spec[field], SERVICES[service].replicas, `${service}: default replicas`);
    assert.equal(topologySchema.safeParse({ [field]: max }).success, true);
    assert.equal(topologySchema.safeParse({ [field]: max + 1 }).success, false, `${service}: at most ${max}`);
  }
  const one = replaceSchema.safeParse({ 'ledger-store': { command: 'x', replicas: 2 } });
  assert.equal(one.success, false);
  assert.match(one.error!.issues[0]!.message, /the ledger store is the one state owner: replicas must be 1/);
  assert.equal(replaceSchema.safeParse({ ledger: { command: 'x', replicas: 2 } }).success, true);
});

test('embedded and compose plan the same replicas, in start order (the reverse of the stop rounds)', () => {
  assert.deepEqual([...STOP_ROUNDS].reverse().flat(), START_ORDER);
  assert.equal(STOP_ROUNDS[0]?.[0], 'card-processor', 'the front stops first');
  const spec = topologySchema.parse({});
  const embedded = [...infrastructurePlan(spec, { seed: 1 }), ...servicePlan(spec, { seed: 1 }, { discoveryUrl: 'http://127.0.0.1:1', storeUrl: 'http://127.0.0.1:2' })];
  const compose = planStack(spec, readComposeFiles([COMPOSE_FILE]), readProxyConfig()).replicas;
  const expected = ['discovery', 'ledger-store', 'ledger-1', 'ledger-2', 'feed-1', 'card-processor-1', 'card-processor-2'];
  assert.deepEqual(embedded.map((p) => p.name), expected);
  assert.deepEqual(compose.map((r) => r.name), expected);
  for (const p of embedded) {
    const entry = serviceEntry(p.service);
    assert.equal(p.entry, entry.entry);
    assert.equal(p.proxied, entry.proxied, p.name);
    assert.equal(p.discoveryService, entry.discoveryName, p.name);
    const c = compose.find((r) => r.name === p.name)!;
    assert.equal(c.discoveryService, entry.discoveryName, p.name);
    assert.equal(c.proxy !== null, entry.proxied, `${p.name}: compose puts a proxy in front exactly where the catalogue says`);
  }
  assert.deepEqual(catalogueReplicas({ processors: 1, ledgers: 3, feeds: 1 }, 'services').map((r) => r.name), ['ledger-1', 'ledger-2', 'ledger-3', 'feed-1', 'card-processor-1']);
});

test('fault targets and URL lists follow the catalogue', () => {
  const targets = replicaTargets(topologySchema.parse({ processors: 1, ledgers: 2, feeds: 1 }));
  assert.deepEqual([...targets].sort(), ['card-processor', 'card-processor-1', 'discovery', 'feed', 'feed-1', 'ledger', 'ledger-1', 'ledger-2', 'ledger-store']);
  const table = new ReplicaTable({ error: (m) => new Error(m) });
  const runtime = (port: number) => ({ kind: 'process', pid: 1, port, directUrl: `http://127.0.0.1:${port}`, running: true, paused: false }) as never;
  for (const [i, r] of catalogueReplicas({ processors: 1, ledgers: 1, feeds: 1 }).entries()) table.add({ name: r.name, service: r.service, discoveryService: null, runtime: runtime(9000 + i) });
  const urls = table.urls({ toxiproxy: 't', discovery: 'd', ledgerStore: 's' });
  for (const service of SCALED_SERVICES) assert.equal(urls[SERVICES[service].scaled.field].length, 1, service);
});

test('defects: every switch has its ordinary value in every run, is documented as a config field, and a run\'s map overrides it untouched', () => {
  const ctx = { replica: 'x-1', seed: 1, topology: { accounts: 10, router: 'hardened', router_tuning: {} } };
  for (const service of REPLACEABLE_SERVICES) {
    const documented = CONFIG_FIELDS[service].map((f) => f.name);
    for (const [name, value] of Object.entries(SERVICES[service].defects)) {
      assert.ok(documented.includes(name), `${service}.${name} is documented in harness/contract/service-config.ts`);
      assert.equal(replicaConfig(service, ctx)[name], value, `${service}.${name} is passed at its ordinary value`);
    }
  }
  assert.equal(replicaConfig('ledger-store', ctx, { 'ledger-store': { idempotency: false } }).idempotency, false);
  assert.equal(replicaConfig('ledger', ctx, { 'ledger-store': { idempotency: false } }).idempotency, undefined, 'a defect goes to its own service only');
});
