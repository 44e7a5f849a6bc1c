// Watch streams over real sockets: initial state, changes, bookmarks, resume from a resourceVersion.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, EndpointsList, Status } from '../../services/discovery/contract.ts';
import { WatchReader, admin, call, deregister, register, sleep, startDiscovery, type RunningDiscovery } from './support.ts';

const LIST = '/api/v1/namespaces/payments/endpoints';

describe('discovery stub: watch streams', () => {
  let d: RunningDiscovery;
  const readers: WatchReader[] = [];
  const watch = async (path: string): Promise<WatchReader> => {
    const r = new WatchReader(d.url, path);
    readers.push(r);
    await r.open();
    return r;
  };

  before(async () => {
    d = await startDiscovery({ bookmarkMs: 200, historySize: 20 });
    await register(d.url, 'ledger', 'ledger-1', 5001);
    await admin(d.url, 'POST', '/__admin/services', { service: 'feed' });
  });
  after(async () => {
    for (const r of readers) r.close();
    await d.close();
  });

  it('a namespace watch opens with ADDED for every object, then streams changes as they happen', async () => {
    const w = await watch(`${LIST}?watch=1`);
    assert.equal(w.status, 200);
    await w.next((e) => e.type === 'ADDED' && (e.object as Endpoints).metadata.name === 'ledger');
    await w.next((e) => e.type === 'ADDED' && (e.object as Endpoints).metadata.name === 'feed');

    await register(d.url, 'ledger', 'ledger-2', 5002);
    const added = await w.next((e) => e.type === 'MODIFIED' && ((e.object as Endpoints).subsets ?? []).length === 2);
    const rvAdded = Number((added.event.object as Endpoints).metadata.resourceVersion);

    await deregister(d.url, 'ledger', 'ledger-1');
    const removed = await w.next((e) => e.type === 'MODIFIED' && Number((e.object as Endpoints).metadata.resourceVersion) > rvAdded);
    const subsets = (removed.event.object as Endpoints).subsets ?? [];
    assert.deepEqual(
      subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.targetRef?.name)),
      ['ledger-2'],
    );

    await register(d.url, 'brand-new', 'brand-new-1', 5003);
    await w.next((e) => e.type === 'ADDED' && (e.object as Endpoints).metadata.name === 'brand-new');
    await admin(d.url, 'DELETE', '/__admin/services/payments/brand-new');
    await w.next((e) => e.type === 'DELETED' && (e.object as Endpoints).metadata.name === 'brand-new');
  });

  it('sends BOOKMARK events periodically, carrying the current resourceVersion', async () => {
    const w = await watch(`${LIST}?watch=true&allowWatchBookmarks=true`);
    const first = await w.next((e) => e.type === 'BOOKMARK', 2000);
    const second = await w.next((e) => e.type === 'BOOKMARK', 2000, w.events.indexOf(first) + 1);
    const gap = second.at - first.at;
    assert.ok(gap > 100 && gap < 3000, `bookmarks ${gap} ms apart`);
    const list = (await call(d.url, 'GET', LIST)).body as EndpointsList;
    assert.equal((second.event.object as Endpoints).metadata.resourceVersion, list.metadata.resourceVersion);
    const quiet = await watch(`${LIST}?watch=1&allowWatchBookmarks=false`);
    await sleep(500);
    assert.equal(quiet.events.filter((e) => e.event.type === 'BOOKMARK').length, 0);
  });

  it('a watch of one name (path or fieldSelector) sees only that object', async () => {
    const byPath = await watch(`${LIST}/feed?watch=1`);
    const bySelector = await watch(`${LIST}?watch=1&fieldSelector=metadata.name%3Dfeed`);
    for (const w of [byPath, bySelector]) await w.next((e) => e.type === 'ADDED' && (e.object as Endpoints).metadata.name === 'feed');
    await register(d.url, 'ledger', 'ledger-9', 5009);
    await register(d.url, 'feed', 'feed-1', 5100);
    for (const w of [byPath, bySelector]) {
      await w.next((e) => e.type === 'MODIFIED' && (e.object as Endpoints).metadata.name === 'feed');
      const names = new Set(w.changes().map((e) => (e.object as Endpoints).metadata.name));
      assert.deepEqual([...names], ['feed']);
    }
  });

  it('resumes from a resourceVersion: replays what came after it, with no initial ADDED', async () => {
    const list = (await call(d.url, 'GET', LIST)).body as EndpointsList;
    const rv = list.metadata.resourceVersion;
    await register(d.url, 'ledger', 'ledger-10', 5010);
    const w = await watch(`${LIST}?watch=1&resourceVersion=${rv}`);
    const first = await w.next((e) => e.type !== 'BOOKMARK');
    assert.equal(first.event.type, 'MODIFIED');
    assert.equal(Number((first.event.object as Endpoints).metadata.resourceVersion), Number(rv) + 1);
  });

  it('answers a resourceVersion older than its history with an ERROR 410 event and ends the stream', async () => {
    for (let i = 0; i < 50; i++) await register(d.url, 'churn', `churn-${i % 3}`, 6000 + i);
    const w = await watch(`${LIST}?watch=1&resourceVersion=1`);
    const err = await w.next((e) => e.type === 'ERROR');
    assert.equal((err.event.object as Status).code, 410);
    assert.equal((err.event.object as Status).reason, 'Expired');
    const deadline = performance.now() + 2000;
    while (!w.ended && performance.now() < deadline) await sleep(20);
    assert.equal(w.ended, true);
  });

  it('timeoutSeconds ends the watch cleanly', async () => {
    const w = await watch(`${LIST}?watch=1&timeoutSeconds=1`);
    const start = performance.now();
    while (!w.ended && performance.now() - start < 4000) await sleep(20);
    assert.equal(w.ended, true);
  });
});
