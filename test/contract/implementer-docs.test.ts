// The contract tells an implementer what the code does, and stays in step with it: every FAULTLINE_CONFIG field
// the topology passes is documented (and nothing it does not pass is documented as passed), in each published
// document and in services/contracts/README.md; every refusal code a document lists is in the README's table;
// the ready line the README shows is the one the mocks print; the admin routes a fault needs are marked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { CONTRACTS_DIR, readPublishedContract, routesOf, type JsonValue } from '../../harness/contract/index.ts';
import { CONFIG_FIELDS } from '../../harness/contract/service-config.ts';
import { infrastructurePlan, servicePlan } from '../../harness/topology/embedded-plan.ts';
import { REPLACEABLE_SERVICES, topologySchema } from '../../harness/scenario/schema.ts';
import { READY_PREFIX } from '../../services/common/serve.ts';

const readme = (): Promise<string> => readFile(`${CONTRACTS_DIR}README.md`, 'utf8');

test('FAULTLINE_CONFIG: the fields documented as passed are exactly the ones the topology passes, for every service', () => {
  const spec = topologySchema.parse({});
  const opts = { seed: 7 };
  const plans = [...infrastructurePlan(spec, opts), ...servicePlan(spec, opts, { discoveryUrl: 'http://127.0.0.1:1', storeUrl: 'http://127.0.0.1:2' })];
  for (const service of REPLACEABLE_SERVICES) {
    const plan = plans.find((p) => p.service === service);
    assert.ok(plan, service);
    const passed = Object.keys(plan.config).sort();
    const documented = CONFIG_FIELDS[service].filter((f) => f.passed).map((f) => f.name).sort();
    assert.deepEqual(documented, passed, `${service}: harness/contract/service-config.ts documents ${documented.join(', ')}; the topology passes ${passed.join(', ')}`);
  }
});

test('FAULTLINE_CONFIG: every field is in its service\'s published document and in the README', async () => {
  const text = await readme();
  for (const service of REPLACEABLE_SERVICES) {
    const description = (await readPublishedContract(service)).info.description ?? '';
    for (const field of CONFIG_FIELDS[service]) {
      assert.ok(description.includes(`\`${field.name}\``), `${service}.openapi.json describes FAULTLINE_CONFIG field ${field.name}`);
      assert.ok(text.includes(`\`${field.name}\``), `services/contracts/README.md names FAULTLINE_CONFIG field ${field.name}`);
    }
  }
});

/** Every `code` a 4xx response schema names (a const or an enum). */
function codesIn(value: JsonValue | undefined, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => codesIn(v, out));
  else if (value !== null && typeof value === 'object') {
    const code = value.code;
    if (code !== null && typeof code === 'object' && !Array.isArray(code)) {
      if (typeof code.const === 'string') out.add(code.const);
      if (Array.isArray(code.enum)) for (const c of code.enum) if (typeof c === 'string') out.add(c);
    }
    for (const v of Object.values(value)) codesIn(v, out);
  }
  return out;
}

test('every refusal code the documents list is in the README\'s table of statuses and codes, with 405, 414 and 415', async () => {
  const text = await readme();
  const table = text.slice(text.indexOf('## Statuses and codes'), text.indexOf('## The ledger: entries'));
  assert.ok(table.length > 100, 'the README has a "Statuses and codes" section');
  const codes = new Set<string>();
  for (const service of REPLACEABLE_SERVICES) {
    for (const route of routesOf(await readPublishedContract(service))) {
      for (const r of route.responses) if (r.status.startsWith('4')) codesIn(r.schema, codes);
    }
  }
  assert.ok(codes.has('idempotency_conflict') && codes.has('amount_exceeds_remaining'), [...codes].join(', '));
  for (const code of codes) assert.ok(table.includes(`\`${code}\``), `the README's table names ${code}`);
  for (const status of ['| 405', '| 414 |', '| 415 |', '| 413 |', '| 403 |']) assert.ok(table.includes(status.replace('| 405', '405')), `the README's table says what ${status} means`);
});

test('the ready line the README shows is the mocks\' format: the prefix, then JSON with service, replica, port and pid', async () => {
  const text = await readme();
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.startsWith(READY_PREFIX));
  assert.ok(line, `the README shows a ${READY_PREFIX.trim()} line`);
  const info = JSON.parse(line.slice(READY_PREFIX.length)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(info).sort(), ['pid', 'port', 'replica', 'service']);
});

test('the admin routes a fault needs are marked in the contracts: router.restart needs both router routes', async () => {
  const routes = routesOf(await readPublishedContract('card-processor'));
  for (const [method, path] of [['GET', '/__admin/router'], ['POST', '/__admin/router/restart']] as const) {
    const route = routes.find((r) => r.method === method && r.path === path);
    assert.deepEqual(route?.neededFor, ['router.restart'], `${method} ${path}`);
    assert.equal(route?.internal, true);
  }
  for (const service of REPLACEABLE_SERVICES) {
    const faults = routesOf(await readPublishedContract(service)).find((r) => r.method === 'PUT' && r.path === '/__admin/http-faults/{name}');
    assert.deepEqual(faults?.neededFor, ['http.abort', 'http.delay', 'http.fail_after_commit'], service);
  }
});
