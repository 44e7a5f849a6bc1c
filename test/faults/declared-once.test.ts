// Each fault is declared once, and every place that serves or validates it is derived from that
// declaration: a scenario's fault kind fills the same defaults as the server that runs the fault (the
// embedded Toxiproxy API, the discovery stub's admin API, a service's HTTP-fault admin API).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faultKind } from '../../harness/faults/registry.ts';
import { TOXICS } from '../../harness/proxy/toxics/catalog.ts';
import { createApp } from '../../services/common/app.ts';
import { HTTP_FAULTS, HTTP_FAULTS_PATH, httpFaultsPlugin, type HttpFaultName } from '../../services/common/http-faults.ts';
import { DISCOVERY_FAULTS } from '../../services/discovery/faults/catalog.ts';
import { createDiscoveryApp } from '../../services/discovery/plugin.ts';
import { echoServer, proxyServer, proxyTo } from '../proxy/helpers.ts';

test('every registered toxic but noop is a network.<type> kind whose params are the attributes the proxy API serves, with its defaults', async (t) => {
  const { server, client } = await proxyServer(t);
  const echo = await echoServer(t);
  await proxyTo(client, 'p', echo.port);
  assert.ok(TOXICS.size >= 8);
  for (const toxic of TOXICS.values()) {
    const kind = faultKind(`network.${toxic.type}`);
    if (toxic.inert) {
      assert.equal(kind, undefined, `${toxic.type} injects nothing: no fault kind`);
      continue;
    }
    assert.ok(kind, `network.${toxic.type} exists`);
    assert.ok(kind.description.startsWith(toxic.description), kind.kind);
    const { stream, toxicity, ...attributes } = kind.params.parse({}) as Record<string, unknown>;
    assert.equal(stream, 'downstream');
    assert.equal(toxicity, 1);
    const res = await fetch(`${server.url}/proxies/p/toxics`, { method: 'POST', body: JSON.stringify({ name: toxic.type, type: toxic.type }) });
    assert.equal(res.status, 200, toxic.type);
    assert.deepEqual(((await res.json()) as { attributes: unknown }).attributes, attributes, toxic.type);
  }
});

test('every registered discovery fault is a discovery.<kind> that fills the same defaults as the admin API', async () => {
  const { app } = await createDiscoveryApp({ services: ['ledger'] });
  try {
    for (const definition of DISCOVERY_FAULTS.values()) {
      const kind = faultKind(`discovery.${definition.kind}`);
      assert.ok(kind, `discovery.${definition.kind} exists`);
      assert.equal(kind.description, definition.description);
      assert.equal(kind.params.safeParse({ service: 'ledger' }).success, false, 'a scenario names the service as its target, not in params');
      const defaults = kind.params.parse({}) as Record<string, unknown>;
      const payload = definition.scope === 'service' ? { service: 'ledger' } : {};
      const res = await app.inject({ method: 'PUT', url: `/__admin/faults/${definition.kind}`, payload });
      assert.equal(res.statusCode, 200, `${definition.kind}: ${res.body}`);
      const { service: _service, ...served } = res.json<{ params: Record<string, unknown> }>().params;
      assert.deepEqual(served, defaults, definition.kind);
      await app.inject({ method: 'DELETE', url: '/__admin/faults' });
    }
  } finally {
    await app.close();
  }
});

test("every HTTP fault is an http.<name> kind that fills the same defaults as the service's admin API", async () => {
  const app = createApp();
  await app.register(httpFaultsPlugin, { seed: 1 });
  await app.ready();
  try {
    for (const name of Object.keys(HTTP_FAULTS) as HttpFaultName[]) {
      const kind = faultKind(`http.${name}`);
      assert.ok(kind, `http.${name} exists`);
      assert.equal(kind.description, HTTP_FAULTS[name].description);
      // The smallest valid params: every field without a default set to 5.
      const shape = HTTP_FAULTS[name].params.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
      const given = Object.fromEntries(Object.keys(shape).flatMap((field) => (shape[field]?.safeParse(undefined).success ? [] : [[field, 5]])));
      const values = kind.params.parse(given);
      const put = await app.inject({ method: 'PUT', url: `${HTTP_FAULTS_PATH}/w`, payload: { [name]: given } });
      assert.equal(put.statusCode, 200, `${name}: ${put.body}`);
      assert.deepEqual(put.json<{ rules: Record<string, Record<string, unknown>> }>().rules.w?.[name], values, name);
      await app.inject({ method: 'DELETE', url: HTTP_FAULTS_PATH });
    }
  } finally {
    await app.close();
  }
});
