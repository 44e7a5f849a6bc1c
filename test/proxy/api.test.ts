// The Toxiproxy HTTP API of the embedded server, driven by toxiproxy-node-client (and by fetch where the
// status code or error body itself is the point).
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { ToxiproxyError } from 'toxiproxy-node-client';
import { echoServer, proxyServer, proxyTo, tcpServer, within } from './helpers.ts';

async function call(base: string, method: string, path: string, body?: string | object, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, type: res.headers.get('content-type') };
}

function refuses(port: number): Promise<boolean> {
  return within(
    new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    }),
    5000,
    `a connection attempt to ${port}`,
  );
}

describe('proxy API with toxiproxy-node-client', () => {
  test('version', async (t) => {
    const { client } = await proxyServer(t);
    assert.match(await client.getVersion(), /"version": "2\.\d+\.\d+"/);
  });

  test('create binds an ephemeral port, reports it, and is 201', async (t) => {
    const { server, client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy, port } = await proxyTo(client, 'ledger-1', echo.port);
    assert.equal(proxy.name, 'ledger-1');
    assert.equal(proxy.enabled, true);
    assert.ok(port > 0, `listen ${proxy.listen} has a real port`);
    assert.equal(proxy.upstream, `127.0.0.1:${echo.port}`);
    assert.equal(await refuses(port), false);
    const created = await call(server.url, 'POST', '/proxies', { name: 'other', listen: 'localhost:0', upstream: `127.0.0.1:${echo.port}` });
    assert.equal(created.status, 201);
    assert.match((created.json as { listen: string }).listen, /^127\.0\.0\.1:\d+$/);
    assert.deepEqual((created.json as { toxics: unknown[] }).toxics, []);
  });

  test('list and get', async (t) => {
    const { client } = await proxyServer(t);
    const echo = await echoServer(t);
    await proxyTo(client, 'a', echo.port);
    await proxyTo(client, 'b', echo.port);
    const all = await client.getAll();
    assert.deepEqual(Object.keys(all).sort(), ['a', 'b']);
    const b = await client.get('b');
    assert.equal(b.listen, all.b?.listen);
  });

  test('update disables (closing the listener) and enables again on the same port', async (t) => {
    const { client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy, port } = await proxyTo(client, 'p', echo.port);
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    assert.equal(disabled.enabled, false);
    assert.equal(await refuses(port), true);
    const enabled = await disabled.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    assert.equal(enabled.enabled, true);
    assert.equal(enabled.listen, proxy.listen);
    assert.equal(await refuses(port), false);
  });

  test('PATCH changes the upstream; fields left out keep their values', async (t) => {
    const { server, client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy } = await proxyTo(client, 'p', echo.port);
    const other = await echoServer(t);
    const patched = await call(server.url, 'PATCH', '/proxies/p', { upstream: `127.0.0.1:${other.port}` });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.json, { name: 'p', listen: proxy.listen, upstream: `127.0.0.1:${other.port}`, enabled: true, toxics: [] });
  });

  test('delete removes the proxy and frees its port', async (t) => {
    const { server, client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy, port } = await proxyTo(client, 'gone', echo.port);
    await proxy.remove();
    await assert.rejects(client.get('gone'), (err: Error) => err instanceof ToxiproxyError && /404/.test(err.message));
    assert.equal(await refuses(port), true);
    assert.equal((await call(server.url, 'DELETE', '/proxies/gone')).status, 404);
  });

  test('populate creates, keeps identical proxies (with their toxics) and replaces changed ones', async (t) => {
    const { server, client } = await proxyServer(t);
    const echo = await echoServer(t);
    const other = await echoServer(t);
    const first = await client.populate([
      { name: 'x', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` },
      { name: 'y', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}`, enabled: false },
    ]);
    assert.deepEqual(Object.keys(first).sort(), ['x', 'y']);
    assert.equal(first.x?.enabled, true);
    assert.equal(first.y?.enabled, false);
    const x = first.x!;
    await x.addToxic({ name: 'slow', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 10, jitter: 0 } });
    const again = await client.populate([
      { name: 'x', listen: x.listen, upstream: x.upstream },
      { name: 'y', listen: '127.0.0.1:0', upstream: `127.0.0.1:${other.port}` },
    ]);
    assert.equal(again.x?.listen, x.listen);
    assert.equal((await client.get('x')).toJson().enabled, true);
    const kept = await call(server.url, 'GET', '/proxies/x/toxics');
    assert.equal((kept.json as unknown[]).length, 1, 'identical proxy kept with its toxic');
    assert.equal(again.y?.upstream, `127.0.0.1:${other.port}`);
    assert.equal(again.y?.enabled, true);
    const raw = await call(server.url, 'POST', '/populate', [{ name: 'z', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` }]);
    assert.equal(raw.status, 201);
    assert.equal((raw.json as { proxies: Array<{ name: string }> }).proxies[0]?.name, 'z');
    const bad = await call(server.url, 'POST', '/populate', [{ name: 'w', listen: '127.0.0.1:0' }]);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json, { error: 'missing required field: upstream at proxy 1', status: 400 });
  });

  test('toxics: add (defaults filled, 200), get, list, update, remove (204)', async (t) => {
    const { server, client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy } = await proxyTo(client, 'p', echo.port);
    const latency = await proxy.addToxic({ name: 'lag', type: 'latency', stream: 'upstream', toxicity: 0.5, attributes: { latency: 100, jitter: 0 } });
    assert.deepEqual(latency.toJson(), { attributes: { latency: 100, jitter: 0 }, name: 'lag', stream: 'upstream', toxicity: 0.5, type: 'latency' });
    const raw = await call(server.url, 'POST', '/proxies/p/toxics', { type: 'bandwidth', attributes: { rate: 50 } });
    assert.equal(raw.status, 200);
    assert.deepEqual(raw.json, { attributes: { rate: 50 }, name: 'bandwidth_downstream', type: 'bandwidth', stream: 'downstream', toxicity: 1 });
    const fetched = await proxy.getToxic('lag');
    assert.equal(fetched.type, 'latency');
    const updated = await fetched.update({ ...fetched.toJson(), attributes: { latency: 250, jitter: 5 } });
    assert.deepEqual(updated.attributes, { latency: 250, jitter: 5 });
    const patched = await call(server.url, 'PATCH', '/proxies/p/toxics/lag', { toxicity: 1 });
    assert.deepEqual(patched.json, { attributes: { latency: 250, jitter: 5 }, name: 'lag', type: 'latency', stream: 'upstream', toxicity: 1 });
    const listed = await call(server.url, 'GET', '/proxies/p/toxics');
    assert.deepEqual((listed.json as Array<{ name: string }>).map((x) => x.name), ['lag', 'bandwidth_downstream']);
    const shown = await call(server.url, 'GET', '/proxies/p');
    assert.equal((shown.json as { toxics: unknown[] }).toxics.length, 2);
    await updated.remove();
    const removed = await call(server.url, 'DELETE', '/proxies/p/toxics/bandwidth_downstream');
    assert.equal(removed.status, 204);
    assert.equal(removed.text, '');
    assert.deepEqual((await call(server.url, 'GET', '/proxies/p/toxics')).json, []);
  });

  test('every toxic type is accepted with its attributes', async (t) => {
    const { client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy } = await proxyTo(client, 'p', echo.port);
    const cases: Array<[string, Record<string, number>]> = [
      ['latency', { latency: 1, jitter: 0 }],
      ['bandwidth', { rate: 1 }],
      ['slow_close', { delay: 1 }],
      ['timeout', { timeout: 1 }],
      ['reset_peer', { timeout: 1 }],
      ['slicer', { average_size: 1, size_variation: 0, delay: 0 }],
      ['limit_data', { bytes: 1 }],
    ];
    for (const [type, attributes] of cases) {
      const toxic = await proxy.addToxic({ name: type, type: type as 'latency', stream: 'upstream', toxicity: 1, attributes });
      assert.deepEqual(toxic.attributes, attributes, type);
    }
  });

  test('attributes as the real server reads them: defaults filled, unknown ones ignored, null keeps the value, only integers ≥ 0', async (t) => {
    const { server, client } = await proxyServer(t);
    const echo = await echoServer(t);
    await proxyTo(client, 'p', echo.port);
    const created = await call(server.url, 'POST', '/proxies/p/toxics', { name: 's', type: 'slicer', attributes: { average_size: 64, colour: 'red', delay: null } });
    assert.equal(created.status, 200);
    assert.deepEqual((created.json as { attributes: unknown }).attributes, { average_size: 64, size_variation: 0, delay: 0 });
    const bare = await call(server.url, 'POST', '/proxies/p/toxics', { name: 'l', type: 'latency' });
    assert.deepEqual((bare.json as { attributes: unknown }).attributes, { latency: 0, jitter: 0 });
    const updated = await call(server.url, 'POST', '/proxies/p/toxics/s', { attributes: { delay: 5, average_size: null, bogus: 1 } });
    assert.deepEqual((updated.json as { attributes: unknown }).attributes, { average_size: 64, size_variation: 0, delay: 5 });
    for (const [value, problem] of [
      [-1, /must not be negative/],
      [1.5, /must be an integer/],
      ['10', /must be an integer/],
    ] as const) {
      const res = await call(server.url, 'POST', '/proxies/p/toxics/s', { attributes: { delay: value } });
      assert.equal(res.status, 400, String(value));
      assert.match((res.json as { error: string }).error, /^bad request body: attribute "delay" of slicer /);
      assert.match((res.json as { error: string }).error, problem);
    }
    assert.deepEqual(((await call(server.url, 'GET', '/proxies/p/toxics/s')).json as { attributes: unknown }).attributes, { average_size: 64, size_variation: 0, delay: 5 });
  });

  test('reset enables every proxy and removes every toxic (204)', async (t) => {
    const { server, client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy, port } = await proxyTo(client, 'p', echo.port);
    await proxy.addToxic({ name: 't', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } });
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    const reset = await call(server.url, 'POST', '/reset');
    assert.equal(reset.status, 204);
    await client.reset();
    const after = await client.get('p');
    assert.equal(after.enabled, true);
    assert.deepEqual((await call(server.url, 'GET', '/proxies/p')).json, { name: 'p', listen: proxy.listen, upstream: proxy.upstream, enabled: true, toxics: [] });
    assert.equal(await refuses(port), false);
  });
});

describe('proxy API errors match the real server', () => {
  test('409 on a duplicate proxy or toxic', async (t) => {
    const { server, client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy } = await proxyTo(client, 'dup', echo.port);
    const again = await call(server.url, 'POST', '/proxies', { name: 'dup', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
    assert.equal(again.status, 409);
    assert.deepEqual(again.json, { error: 'proxy already exists', status: 409 });
    await assert.rejects(proxyTo(client, 'dup', echo.port), /status code 409/);
    await proxy.addToxic({ name: 'x', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1, jitter: 0 } });
    const twice = await call(server.url, 'POST', '/proxies/dup/toxics', { name: 'x', type: 'slicer', stream: 'upstream' });
    assert.equal(twice.status, 409);
    assert.deepEqual(twice.json, { error: 'toxic already exists', status: 409 });
  });

  test('404 on an unknown proxy or toxic, and on an unknown route', async (t) => {
    const { server, client } = await proxyServer(t);
    const echo = await echoServer(t);
    await proxyTo(client, 'p', echo.port);
    const notFound = { error: 'proxy not found', status: 404 };
    for (const [method, path] of [
      ['GET', '/proxies/nope'],
      ['DELETE', '/proxies/nope'],
      ['GET', '/proxies/nope/toxics'],
      ['GET', '/proxies/nope/toxics/x'],
    ] as const) {
      const res = await call(server.url, method, path);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.deepEqual(res.json, notFound, `${method} ${path}`);
    }
    assert.deepEqual((await call(server.url, 'POST', '/proxies/nope', { enabled: false })).json, notFound);
    assert.deepEqual((await call(server.url, 'POST', '/proxies/nope/toxics', { type: 'latency' })).json, notFound);
    const toxicNotFound = { error: 'toxic not found', status: 404 };
    assert.deepEqual((await call(server.url, 'GET', '/proxies/p/toxics/none')).json, toxicNotFound);
    assert.deepEqual((await call(server.url, 'DELETE', '/proxies/p/toxics/none')).json, toxicNotFound);
    assert.deepEqual((await call(server.url, 'POST', '/proxies/p/toxics/none', { toxicity: 1 })).json, toxicNotFound);
    await assert.rejects(client.get('nope'), /status code 404/);
    const route = await call(server.url, 'GET', '/nothing-here');
    assert.equal(route.status, 404);
    assert.equal(route.text, '404 page not found\n');
    assert.equal((await call(server.url, 'PUT', '/proxies')).status, 405);
  });

  test('400 on bad JSON, a bad stream, an unknown toxic type, missing fields, bad attributes', async (t) => {
    const { server, client } = await proxyServer(t);
    const echo = await echoServer(t);
    await proxyTo(client, 'p', echo.port);
    const badJson = await call(server.url, 'POST', '/proxies', '{"name": ');
    assert.equal(badJson.status, 400);
    assert.match((badJson.json as { error: string }).error, /^bad request body: /);
    assert.equal((badJson.json as { status: number }).status, 400);
    assert.equal((await call(server.url, 'POST', '/proxies/p/toxics', 'not json')).status, 400);
    assert.equal((await call(server.url, 'POST', '/proxies/p', '{{')).status, 400);
    assert.equal((await call(server.url, 'POST', '/proxies/p/toxics', '')).status, 400);
    const stream = await call(server.url, 'POST', '/proxies/p/toxics', { type: 'latency', stream: 'sideways' });
    assert.equal(stream.status, 400);
    assert.deepEqual(stream.json, { error: 'stream was invalid, can be either upstream or downstream', status: 400 });
    const type = await call(server.url, 'POST', '/proxies/p/toxics', { type: 'meteor', stream: 'upstream' });
    assert.equal(type.status, 400);
    assert.deepEqual(type.json, { error: 'invalid toxic type', status: 400 });
    const noName = await call(server.url, 'POST', '/proxies', { listen: '127.0.0.1:0', upstream: '127.0.0.1:1' });
    assert.deepEqual(noName.json, { error: 'missing required field: name', status: 400 });
    const noUpstream = await call(server.url, 'POST', '/proxies', { name: 'q', listen: '127.0.0.1:0' });
    assert.deepEqual(noUpstream.json, { error: 'missing required field: upstream', status: 400 });
    const attr = await call(server.url, 'POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: 'slow' } });
    assert.equal(attr.status, 400);
    assert.match((attr.json as { error: string }).error, /^bad request body: /);
    assert.equal((await call(server.url, 'POST', '/proxies', { name: 'q', listen: 'nowhere', upstream: '127.0.0.1:1' })).status, 400);
    await assert.rejects(
      client.get('p').then((p) => p.addToxic({ name: 'z', type: 'latency', stream: 'both' as 'upstream', toxicity: 1, attributes: {} })),
      /status code 400/,
    );
  });

  test('400 for a listen address off loopback; 500 when the port is taken, as the real server', async (t) => {
    const { server } = await proxyServer(t);
    const echo = await echoServer(t);
    for (const listen of ['0.0.0.0:0', ':0', '10.1.2.3:9000', 'example.com:80']) {
      const res = await call(server.url, 'POST', '/proxies', { name: 'open', listen, upstream: `127.0.0.1:${echo.port}` });
      assert.equal(res.status, 400, listen);
      assert.match((res.json as { error: string }).error, /loopback/, listen);
    }
    const held = await tcpServer(t, () => {});
    const taken = await call(server.url, 'POST', '/proxies', { name: 'taken', listen: `127.0.0.1:${held.port}`, upstream: `127.0.0.1:${echo.port}` });
    assert.equal(taken.status, 500);
    assert.match((taken.json as { error: string }).error, /address already in use/);
    assert.equal((await call(server.url, 'GET', '/proxies/taken')).status, 404);
  });

  test('403 for a browser User-Agent', async (t) => {
    const { server } = await proxyServer(t);
    const res = await call(server.url, 'GET', '/proxies', undefined, { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' });
    assert.equal(res.status, 403);
    assert.equal(res.text, 'User agent not allowed\n');
    assert.equal((await call(server.url, 'GET', '/proxies', undefined, { 'User-Agent': 'curl/8.0' })).status, 200);
  });

  test('the API itself refuses to listen off loopback', async () => {
    const { startProxyServer } = await import('../../harness/proxy/server.ts');
    await assert.rejects(startProxyServer({ host: '0.0.0.0', port: 0 }), /loopback/);
  });
});
