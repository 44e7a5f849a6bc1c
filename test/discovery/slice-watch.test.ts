// EndpointSlice watches over real sockets: initial state, changes in the same resourceVersion sequence as
// the Endpoints watch, label selectors, bookmarks only when asked, resume, 410, and the stall fault.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, EndpointSliceList, Endpoints, Status, WatchEvent } from '../../services/discovery/contract.ts';
import { WatchReader, admin, call, register, sleep, startDiscovery, type RunningDiscovery } from './support.ts';

const SLICES = '/apis/discovery.k8s.io/v1/namespaces/payments/endpointslices';
const ENDPOINTS = '/api/v1/namespaces/payments/endpoints';
const service = (e: WatchEvent): string | undefined => (e.object as EndpointSlice).metadata?.labels?.['kubernetes.io/service-name'];
const rvOf = (e: WatchEvent): number => Number((e.object as EndpointSlice).metadata.resourceVersion);

describe('discovery stub: EndpointSlice watch streams', () => {
  let d: RunningDiscovery;
  const readers: WatchReader[] = [];
  const watch = async (path: string): Promise<WatchReader> => {
    const r = new WatchReader(d.url, path);
    readers.push(r);
    await r.open();
    return r;
  };

  before(async () => {
    d = await startDiscovery({ bookmarkMs: 150, historySize: 20 });
    await register(d.url, 'ledger', 'ledger-1', 5001);
    await register(d.url, 'ledger', 'ledger-2', 5002);
    await admin(d.url, 'POST', '/__admin/services', { service: 'feed' });
  });
  after(async () => {
    for (const r of readers) r.close();
    await d.close();
  });

  it('opens with ADDED for every slice, then streams each change at the resourceVersion the Endpoints watch gives it; a move is created before deleted', async () => {
    const slices = await watch(`${SLICES}?watch=1`);
    const endpoints = await watch(`${ENDPOINTS}?watch=1&allowWatchBookmarks=false`);
    await slices.next((e) => e.type === 'ADDED' && service(e) === 'feed');
    await endpoints.next((e) => e.type === 'ADDED' && (e.object as Endpoints).metadata.name === 'feed');
    assert.equal(slices.changes().filter((e) => service(e) === 'ledger').length, 2, 'one slice per port');

    const from = slices.events.length;
    await register(d.url, 'ledger', 'ledger-1', 5003); // ledger-1 moves: its port-5001 slice goes, a 5003 slice comes
    const modified = await endpoints.next((e) => e.type === 'MODIFIED');
    const deleted = await slices.next((e) => e.type === 'DELETED', 3000, from);
    const change = slices.events.slice(from).map((e) => e.event).filter((e) => e.type !== 'BOOKMARK');
    assert.deepEqual(
      change.map((e) => `${e.type} ${(e.object as EndpointSlice).ports?.[0]?.port}`),
      ['ADDED 5003', 'DELETED 5001'],
    );
    for (const e of change) assert.equal(rvOf(e), Number((modified.event.object as Endpoints).metadata.resourceVersion), 'one resourceVersion for the change');
    assert.equal(deleted.event.type, 'DELETED');
  });

  it('a label selector keeps one service; a watch never sees another service', async () => {
    const feed = await watch(`${SLICES}?watch=1&labelSelector=${encodeURIComponent('kubernetes.io/service-name=feed')}`);
    await feed.next((e) => e.type === 'ADDED');
    await register(d.url, 'ledger', 'ledger-3', 5004);
    await register(d.url, 'feed', 'feed-1', 5100);
    const added = await feed.next((e) => e.type === 'ADDED' && (e.object as EndpointSlice).ports?.[0]?.port === 5100);
    assert.equal(service(added.event), 'feed');
    assert.deepEqual([...new Set(feed.changes().map(service))], ['feed']);
    assert.ok(feed.changes().some((e) => e.type === 'DELETED' && (e.object as EndpointSlice).ports === null), 'the placeholder went once feed had an endpoint');
  });

  it('sends BOOKMARKs only when asked (allowWatchBookmarks=true), with the current resourceVersion', async () => {
    const quiet = await watch(`${SLICES}?watch=1`);
    const asked = await watch(`${SLICES}?watch=1&allowWatchBookmarks=true`);
    const bookmark = await asked.next((e) => e.type === 'BOOKMARK', 3000);
    assert.equal((bookmark.event.object as EndpointSlice).kind, 'EndpointSlice');
    assert.equal((bookmark.event.object as EndpointSlice).apiVersion, 'discovery.k8s.io/v1');
    const list = (await call(d.url, 'GET', SLICES)).body as EndpointSliceList;
    assert.equal(String(rvOf(bookmark.event)), list.metadata.resourceVersion);
    await asked.next((e) => e.type === 'BOOKMARK', 3000, asked.events.indexOf(bookmark) + 1);
    assert.equal(quiet.events.filter((e) => e.event.type === 'BOOKMARK').length, 0);
  });

  it('resumes from a resourceVersion; one older than the history is an ERROR 410 and the stream ends', async () => {
    const rv = ((await call(d.url, 'GET', SLICES)).body as EndpointSliceList).metadata.resourceVersion;
    await register(d.url, 'ledger', 'ledger-2', 5005);
    const resumed = await watch(`${SLICES}?watch=1&resourceVersion=${rv}`);
    const first = await resumed.next((e) => e.type !== 'BOOKMARK');
    assert.equal(first.event.type, 'ADDED', 'no initial state: the change after rv comes first');
    assert.equal(rvOf(first.event), Number(rv) + 1);

    for (let i = 0; i < 50; i++) await register(d.url, 'churn', `churn-${i % 2}`, 6000 + i);
    const old = await watch(`${SLICES}?watch=1&resourceVersion=1`);
    const err = await old.next((e) => e.type === 'ERROR');
    assert.equal((err.event.object as Status).code, 410);
    assert.equal((err.event.object as Status).reason, 'Expired');
    const deadline = performance.now() + 2000;
    while (!old.ended && performance.now() < deadline) await sleep(20);
    assert.equal(old.ended, true);
  });

  it('stall_watch stalls slice watches too (no event, no bookmark) while GET stays fresh; healing delivers what was missed', async () => {
    const w = await watch(`${SLICES}?watch=1&allowWatchBookmarks=true&labelSelector=${encodeURIComponent('kubernetes.io/service-name=ledger')}`);
    await w.next((e) => e.type === 'BOOKMARK', 3000);
    await admin(d.url, 'PUT', '/__admin/faults/stall_watch', {});
    const stalledAt = w.events.length;
    await register(d.url, 'ledger', 'ledger-4', 5006);
    await sleep(500);
    assert.equal(w.events.length, stalledAt, 'nothing through a stalled watch');
    const fresh = (await call(d.url, 'GET', `${SLICES}?labelSelector=${encodeURIComponent('kubernetes.io/service-name=ledger')}`)).body as EndpointSliceList;
    assert.ok(fresh.items.some((s) => s.ports?.[0]?.port === 5006), 'a list shows the new slice');
    await admin(d.url, 'DELETE', '/__admin/faults/stall_watch');
    const caught = await w.next((e) => e.type === 'ADDED' && (e.object as EndpointSlice).ports?.[0]?.port === 5006, 3000, stalledAt);
    assert.ok(caught);
  });
});
