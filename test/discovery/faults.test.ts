// Each discovery fault does what it says, over real sockets.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectOutcome } from '../support/processes.ts';
import type { Endpoints, EndpointsList, Status } from '../../services/discovery/contract.ts';
import { WatchReader, admin, call, register, sleep, startDiscovery, withTimeout, type RunningDiscovery } from './support.ts';

const LIST = '/api/v1/namespaces/payments/endpoints';
const subsetsOf = (d: RunningDiscovery, name: string) => call(d.url, 'GET', `${LIST}/${name}`).then((r) => (r.body as Endpoints).subsets);
const named = (name: string) => (e: { type: string; object: unknown }) => (e.object as Endpoints).metadata?.name === name;


describe('discovery stub: faults', () => {
  let d: RunningDiscovery;
  const readers: WatchReader[] = [];
  const watch = async (path = `${LIST}?watch=1`): Promise<WatchReader> => {
    const r = new WatchReader(d.url, path);
    readers.push(r);
    await r.open();
    return r;
  };

  before(async () => {
    d = await startDiscovery({ bookmarkMs: 150 });
    await register(d.url, 'ledger', 'ledger-1', 7001);
    await register(d.url, 'ledger', 'ledger-2', 7002);
    await admin(d.url, 'POST', '/__admin/services', { service: 'current-account' });
  });
  after(async () => {
    for (const r of readers) r.close();
    await admin(d.url, 'DELETE', '/__admin/faults').catch(() => undefined);
    await d.close();
  });

  it('null_subsets serves subsets: null in GET, list and a MODIFIED watch event; healing restores []', async () => {
    const w = await watch();
    await admin(d.url, 'PUT', '/__admin/faults/null_subsets', { service: 'current-account' });
    assert.equal(await subsetsOf(d, 'current-account'), null);
    const list = (await call(d.url, 'GET', LIST)).body as EndpointsList;
    assert.equal(list.items.find((i) => i.metadata.name === 'current-account')?.subsets, null);
    assert.notEqual(list.items.find((i) => i.metadata.name === 'ledger')?.subsets, null);
    const ev = await w.next((e) => e.type === 'MODIFIED' && named('current-account')(e));
    assert.equal((ev.event.object as Endpoints).subsets, null);
    // The raw JSON says null, as Kubernetes 1.6+ did.
    const raw = await fetch(`${d.url}${LIST}/current-account`).then((r) => r.text());
    assert.match(raw, /"subsets":null/);
    await admin(d.url, 'DELETE', '/__admin/faults/null_subsets?service=current-account');
    assert.deepEqual(await subsetsOf(d, 'current-account'), []);
    await w.next((e) => e.type === 'MODIFIED' && named('current-account')(e) && Array.isArray((e.object as Endpoints).subsets), 2000, w.events.indexOf(ev) + 1);
  });

  it('empty_subsets serves [] for a service that has replicas, until healed', async () => {
    await admin(d.url, 'PUT', '/__admin/faults/empty_subsets', { service: 'ledger' });
    assert.deepEqual(await subsetsOf(d, 'ledger'), []);
    await admin(d.url, 'DELETE', '/__admin/faults/empty_subsets');
    assert.equal((await subsetsOf(d, 'ledger'))?.length, 2);
  });

  it('stall_watch: open watches get nothing (not even bookmarks), GET stays fresh, new watches stall after their initial state, healing delivers the missed events', async () => {
    const w = await watch();
    await w.next((e) => e.type === 'BOOKMARK', 2000);
    await admin(d.url, 'PUT', '/__admin/faults/stall_watch', {});
    const mark = w.events.length;
    await register(d.url, 'ledger', 'ledger-3', 7003);
    const fresh = await subsetsOf(d, 'ledger');
    assert.equal(fresh?.length, 3, 'GET answers fresh data during the stall');
    const late = await watch();
    await late.next((e) => e.type === 'ADDED' && named('ledger')(e));
    const lateMark = late.events.length;
    await register(d.url, 'ledger', 'ledger-4', 7004);
    await sleep(700);
    assert.equal(w.events.length, mark, `stalled watch got ${JSON.stringify(w.events.slice(mark).map((e) => e.event.type))}`);
    assert.equal(late.events.length, lateMark, 'a watch opened during the stall gets its initial state only');
    const state = (await call(d.url, 'GET', '/__admin/state')).body as { watches: { stalled: boolean } };
    assert.equal(state.watches.stalled, true);
    await admin(d.url, 'DELETE', '/__admin/faults/stall_watch');
    const caught = await w.next((e) => e.type === 'MODIFIED' && ((e.object as Endpoints).subsets ?? []).length === 4, 2000, mark);
    assert.ok(caught);
    await w.next((e) => e.type === 'BOOKMARK', 2000, mark);
    await admin(d.url, 'POST', '/__admin/deregister', { service: 'ledger', replica: 'ledger-3' });
    await admin(d.url, 'POST', '/__admin/deregister', { service: 'ledger', replica: 'ledger-4' });
  });

  it('slow_api delays GET, list and watch opens by delay_ms', async () => {
    await admin(d.url, 'PUT', '/__admin/faults/slow_api', { delay_ms: 600 });
    try {
      const order: string[] = [];
      const start = performance.now();
      const api = call(d.url, 'GET', `${LIST}/ledger`).then((r) => {
        order.push('api');
        return r;
      });
      const adminCall = call(d.url, 'GET', '/__admin/state').then(() => order.push('admin'));
      const [res] = await Promise.all([api, adminCall]);
      const took = performance.now() - start;
      assert.equal(res.status, 200);
      assert.ok(took >= 580, `took ${took} ms`);
      assert.deepEqual(order, ['admin', 'api'], 'the admin API is not slowed');
    } finally {
      await admin(d.url, 'DELETE', '/__admin/faults/slow_api');
    }
  });

  it('fail_api answers the given share of calls with a Status of the given code', async () => {
    await admin(d.url, 'PUT', '/__admin/faults/fail_api', { status: 503, percent: 100 });
    const res = await call(d.url, 'GET', LIST);
    assert.equal(res.status, 503);
    assert.equal((res.body as Status).kind, 'Status');
    assert.equal((res.body as Status).reason, 'ServiceUnavailable');
    await admin(d.url, 'PUT', '/__admin/faults/fail_api', { status: 500, percent: 50 });
    let failed = 0;
    for (let i = 0; i < 60; i++) if ((await call(d.url, 'GET', LIST)).status === 500) failed++;
    assert.ok(failed > 10 && failed < 50, `${failed}/60 failed`);
    await admin(d.url, 'DELETE', '/__admin/faults/fail_api');
    assert.equal((await call(d.url, 'GET', LIST)).status, 200);
  });

  it('hang_api: calls get no answer until the fault is healed, then they are answered', async () => {
    await admin(d.url, 'PUT', '/__admin/faults/hang_api', {});
    const pending = call(d.url, 'GET', `${LIST}/ledger`, undefined, 10_000);
    const outcome = await Promise.race([pending.then(() => 'answered'), sleep(800).then(() => 'hanging')]);
    assert.equal(outcome, 'hanging');
    await admin(d.url, 'DELETE', '/__admin/faults/hang_api');
    const res = await withTimeout(pending, 3000, 'the hung call was not released');
    assert.equal(res.status, 200);
  });

  it('flap: the endpoints alternate between absent and present, a MODIFIED event each time', async () => {
    const w = await watch(`${LIST}/ledger?watch=1`);
    await w.next((e) => e.type === 'ADDED');
    const mark = w.events.length;
    await admin(d.url, 'PUT', '/__admin/faults/flap', { service: 'ledger', period_ms: 300 });
    const modified = () => w.events.slice(mark).filter((e) => e.event.type === 'MODIFIED');
    const start = performance.now();
    while (modified().length < 5 && performance.now() - start < 5000) await sleep(25);
    const seen = modified()
      .slice(0, 5)
      .map((e) => ((e.event.object as Endpoints).subsets ?? []).length);
    await admin(d.url, 'DELETE', '/__admin/faults/flap');
    assert.equal(seen.length, 5);
    assert.equal(seen[0], 0, 'starts absent');
    for (let i = 1; i < seen.length; i++) assert.notEqual(seen[i] === 0, seen[i - 1] === 0, `alternates: ${seen.join(',')}`);
    assert.equal((await subsetsOf(d, 'ledger'))?.length, 2, 'present again once healed');
  });

  it('dead_endpoints adds addresses on ports where nothing listens', async () => {
    const put = (await admin(d.url, 'PUT', '/__admin/faults/dead_endpoints', { service: 'ledger', count: 2 })) as { state: { ports: number[] } };
    const subsets = (await subsetsOf(d, 'ledger')) ?? [];
    assert.equal(subsets.length, 4);
    const dead = put.state.ports;
    assert.equal(dead.length, 2);
    for (const port of dead) {
      assert.ok(subsets.some((s) => s.ports?.[0]?.port === port));
      assert.equal(await connectOutcome(port), 'ECONNREFUSED');
    }
    await admin(d.url, 'DELETE', '/__admin/faults/dead_endpoints?service=ledger');
    assert.equal((await subsetsOf(d, 'ledger'))?.length, 2);
  });
});
