// The HTTP-fault plugin on a real listening server: admin API, abort, delay, fail-after-commit,
// route filters, named rules, and seeded draws.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../services/common/app.ts';
import { HTTP_FAULTS_PATH, httpFaultsPlugin, type HttpFaultRulesBody } from '../../services/common/http-faults.ts';
import { call } from '../ledger/service-processes.ts';

let app: FastifyInstance;
let base = '';
let handled = 0;

before(async () => {
  app = createApp();
  await app.register(httpFaultsPlugin, { seed: 3, replica: 'test-1' });
  // A route registered in its own plugin: the fault hooks must still reach it.
  await app.register(async (child) => {
    child.post('/v1/things', { schema: { body: { type: 'object' } } }, async () => ({ n: ++handled }));
    child.get('/v1/other', async () => ({ ok: true }));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(() => app.close());

/** A one-shot request on a fresh connection with node:http, so a reset shows as the socket error it is. */
function rawPost(url: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' }, timeout: 10_000 }, (res) => {
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

async function clear(): Promise<void> {
  assert.equal((await call('DELETE', `${base}${HTTP_FAULTS_PATH}`)).status, 200);
}

test('the admin API validates rules and names the bad field', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{}, /must match a schema in anyOf|must have required property/],
    [{ abort: { percent: 120, status: 503 } }, /abort\/percent/],
    [{ abort: { percent: 10, status: 200 } }, /abort\/status/],
    [{ delay: { percent: 10 } }, /delay_ms/],
    [{ fail_after_commit: { percent: 10 }, routes: ['v1/holds'] }, /routes\/0/],
    [{ fail_after_commit: { percent: 10 }, extra: true }, /body\/extra is not an allowed field/],
  ];
  for (const [body, message] of cases) {
    const res = await call<{ error: string }>('PUT', `${base}${HTTP_FAULTS_PATH}`, body);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.body.error, message);
  }
  assert.equal((await call('PUT', `${base}${HTTP_FAULTS_PATH}/bad%20name`, { abort: { percent: 1, status: 500 } })).status, 400);
  assert.deepEqual((await call<HttpFaultRulesBody>('GET', `${base}${HTTP_FAULTS_PATH}`)).body, { rules: {} });
});

test('abort answers the status with a JSON error and never runs the handler', async () => {
  await clear();
  const before = handled;
  await call('PUT', `${base}${HTTP_FAULTS_PATH}/w1`, { abort: { percent: 100, status: 503 } });
  const res = await call<{ error: string; code: string; status: number }>('POST', `${base}/v1/things`, { a: 1 });
  assert.equal(res.status, 503);
  assert.equal(res.body.code, 'FAULT_INJECTED');
  assert.equal(handled, before);
  // The admin API itself is never faulted.
  assert.equal((await call('GET', `${base}${HTTP_FAULTS_PATH}`)).status, 200);
  await call('DELETE', `${base}${HTTP_FAULTS_PATH}/w1`);
  assert.equal((await call('POST', `${base}/v1/things`, { a: 1 })).status, 200);
  assert.equal(handled, before + 1);
});

test('routes limit a rule to path prefixes', async () => {
  await clear();
  await call('PUT', `${base}${HTTP_FAULTS_PATH}`, { abort: { percent: 100, status: 500 }, routes: ['/v1/things'] });
  assert.equal((await call('POST', `${base}/v1/things`, {})).status, 500);
  assert.equal((await call('GET', `${base}/v1/other`)).status, 200);
  await clear();
});

test('delay holds the request for delay_ms, then it runs', async () => {
  await clear();
  await call('PUT', `${base}${HTTP_FAULTS_PATH}/slow`, { delay: { percent: 100, delay_ms: 1000 } });
  const t0 = performance.now();
  const res = await call('POST', `${base}/v1/things`, {});
  const took = performance.now() - t0;
  assert.equal(res.status, 200);
  assert.ok(took >= 990, `took ${took} ms`);
  await clear();
  const t1 = performance.now();
  await call('POST', `${base}/v1/things`, {});
  assert.ok(performance.now() - t1 < 800, 'no delay once cleared');
});

test('fail_after_commit runs the handler, then resets the socket (ECONNRESET)', async () => {
  await clear();
  await call('PUT', `${base}${HTTP_FAULTS_PATH}/lost`, { fail_after_commit: { percent: 100 } });
  const before = handled;
  await assert.rejects(rawPost(`${base}/v1/things`, {}), (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET');
  assert.equal(handled, before + 1, 'the handler ran and committed');
  await clear();
  assert.equal((await rawPost(`${base}/v1/things`, {})).status, 200);
});

test('percentages are drawn from a seeded source: about the share asked, the same share on a re-run', async () => {
  const share = async (): Promise<boolean[]> => {
    await clear();
    await call('PUT', `${base}${HTTP_FAULTS_PATH}/half`, { abort: { percent: 40, status: 502 }, seed: 77 });
    const out: boolean[] = [];
    for (let i = 0; i < 300; i++) out.push((await call('GET', `${base}/v1/other`)).status === 502);
    return out;
  };
  const first = await share();
  const aborted = first.filter(Boolean).length / first.length;
  assert.ok(aborted > 0.3 && aborted < 0.5, `aborted share ${aborted}`);
  assert.deepEqual(await share(), first, 'same seed, same requests aborted');
  await clear();
});

test('named rules compose and clear independently', async () => {
  await clear();
  await call('PUT', `${base}${HTTP_FAULTS_PATH}/a`, { abort: { percent: 100, status: 500 }, routes: ['/v1/things'] });
  await call('PUT', `${base}${HTTP_FAULTS_PATH}/b`, { abort: { percent: 100, status: 429 }, routes: ['/v1/other'] });
  const rules = (await call<HttpFaultRulesBody>('GET', `${base}${HTTP_FAULTS_PATH}`)).body.rules;
  assert.deepEqual(Object.keys(rules).sort(), ['a', 'b']);
  assert.equal((await call('GET', `${base}/v1/other`)).status, 429);
  await call('DELETE', `${base}${HTTP_FAULTS_PATH}/b`);
  assert.equal((await call('GET', `${base}/v1/other`)).status, 200);
  assert.equal((await call('POST', `${base}/v1/things`, {})).status, 500);
  await clear();
});
