// The official Kubernetes client (@kubernetes/client-node 1.x) against a running stub: it lists and watches
// the ledger's EndpointSlices and they match its Endpoints; discovery faults show through both APIs; and
// every error reaches it as a Status it parses (ApiException for calls, a status code for watches).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import type { EndpointSlice, Endpoints } from '../../services/discovery/contract.ts';
import { admin, eventually, register, sleep, startDiscovery, viewOfEndpoints, viewOfSlices, withTimeout, type RunningDiscovery } from './support.ts';

const NS = 'payments';
const SLICES = `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices`;
const ENDPOINTS = `/api/v1/namespaces/${NS}/endpoints`;
const selectorOf = (service: string): string => `kubernetes.io/service-name=${service}`;

function kubeConfig(server: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'faultline', server, skipTLSVerify: true }],
    users: [{ name: 'faultline' }],
    contexts: [{ name: 'faultline', cluster: 'faultline', user: 'faultline' }],
    currentContext: 'faultline',
  });
  return kc;
}

// The client's models carry the same field names as the wire objects the views read.
const asSlices = (items: k8s.V1EndpointSlice[]): EndpointSlice[] => items as unknown as EndpointSlice[];
const asEndpoints = (ep: k8s.V1Endpoints): Endpoints => ({ ...(ep as unknown as Endpoints), subsets: ep.subsets ?? null }) as Endpoints;
const sliceView = (items: k8s.V1EndpointSlice[]) => viewOfSlices(asSlices(items).map((s) => ({ ...s, endpoints: s.endpoints ?? null })));

/** A watch through the client's Watch, keeping the objects it was told about by name. */
class ClientWatch {
  readonly objects = new Map<string, unknown>();
  readonly types: string[] = [];
  bookmarks = 0;
  ended: unknown = undefined;
  private controller: AbortController | undefined;

  static async open(kc: k8s.KubeConfig, path: string, query: Record<string, string | boolean>): Promise<ClientWatch> {
    const w = new ClientWatch();
    w.controller = await new k8s.Watch(kc).watch(
      path,
      query,
      (type, object: { metadata?: { name?: string } }) => {
        w.types.push(type);
        if (type === 'BOOKMARK') w.bookmarks++;
        else if (type === 'DELETED') w.objects.delete(object.metadata?.name ?? '');
        else if (type === 'ADDED' || type === 'MODIFIED') w.objects.set(object.metadata?.name ?? '', object);
      },
      (err: unknown) => {
        w.ended = err ?? 'ended';
      },
    );
    return w;
  }

  close(): void {
    this.controller?.abort();
  }
}

describe('the official Kubernetes client against the discovery stub', () => {
  let d: RunningDiscovery;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let discovery: k8s.DiscoveryV1Api;
  const watches: ClientWatch[] = [];

  before(async () => {
    d = await startDiscovery({ bookmarkMs: 200 });
    await register(d.url, 'ledger', 'ledger-1', 4101);
    await register(d.url, 'ledger', 'ledger-2', 4102);
    await register(d.url, 'ledger', 'ledger-3', 4101);
    await admin(d.url, 'POST', '/__admin/services', { service: 'current-account' });
    kc = kubeConfig(d.url);
    core = kc.makeApiClient(k8s.CoreV1Api);
    discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
  });
  after(async () => {
    for (const w of watches) w.close();
    await d.close();
  });

  it("lists and watches the ledger's EndpointSlices, and they match its Endpoints", async () => {
    const list = await discovery.listNamespacedEndpointSlice({ namespace: NS, labelSelector: selectorOf('ledger') });
    assert.equal(list.items.length, 2);
    const endpoints = await core.readNamespacedEndpoints({ name: 'ledger', namespace: NS });
    assert.deepEqual(sliceView(list.items), viewOfEndpoints(asEndpoints(endpoints)));
    assert.equal(sliceView(list.items)?.length, 3);
    const endpointsList = await core.listNamespacedEndpoints({ namespace: NS });
    assert.equal(list.metadata?.resourceVersion, endpointsList.metadata?.resourceVersion);
    const first = list.items[0] as k8s.V1EndpointSlice;
    assert.equal(first.addressType, 'IPv4');
    assert.equal(first.metadata?.ownerReferences?.[0]?.kind, 'Service');
    const one = await discovery.readNamespacedEndpointSlice({ name: first.metadata?.name ?? '', namespace: NS });
    assert.deepEqual(one.endpoints, first.endpoints);
    const everywhere = await discovery.listEndpointSliceForAllNamespaces({ labelSelector: selectorOf('ledger') });
    assert.equal(everywhere.items.length, 2);

    const watch = await ClientWatch.open(kc, SLICES, { labelSelector: selectorOf('ledger'), resourceVersion: list.metadata?.resourceVersion ?? '', allowWatchBookmarks: true });
    watches.push(watch);
    for (const s of list.items) watch.objects.set(s.metadata?.name ?? '', s);
    await register(d.url, 'ledger', 'ledger-4', 4104);
    await register(d.url, 'ledger', 'ledger-2', 4101); // moves: its 4102 slice goes
    const expected = viewOfEndpoints(asEndpoints(await core.readNamespacedEndpoints({ name: 'ledger', namespace: NS })));
    await eventually(() => JSON.stringify(viewOfSlices([...watch.objects.values()] as EndpointSlice[])) === JSON.stringify(expected), 3000, 'the watched slices match the Endpoints');
    assert.deepEqual(expected, ['ledger-1@127.0.0.1:4101/http ready', 'ledger-2@127.0.0.1:4101/http ready', 'ledger-3@127.0.0.1:4101/http ready', 'ledger-4@127.0.0.1:4104/http ready']);
    assert.ok(watch.types.includes('DELETED'), JSON.stringify(watch.types));
    await eventually(() => watch.bookmarks > 0, 3000, 'a bookmark, as asked');
  });

  it('a discovery fault seen through both: subsets: null is endpoints: null, a stalled watch is silent on both', async () => {
    const sliceWatch = await ClientWatch.open(kc, SLICES, { labelSelector: selectorOf('current-account'), allowWatchBookmarks: true });
    const endpointsWatch = await ClientWatch.open(kc, ENDPOINTS, { fieldSelector: 'metadata.name=current-account', allowWatchBookmarks: true });
    watches.push(sliceWatch, endpointsWatch);
    await eventually(() => sliceWatch.objects.size === 1 && endpointsWatch.objects.size === 1, 3000, 'initial state');

    await admin(d.url, 'PUT', '/__admin/faults/null_subsets', { service: 'current-account' });
    const isNull = (o: unknown, field: 'subsets' | 'endpoints'): boolean => (o as Record<string, unknown> | undefined)?.[field] == null;
    await eventually(() => sliceWatch.types.includes('MODIFIED') && endpointsWatch.types.includes('MODIFIED'), 3000, 'MODIFIED on both watches');
    assert.ok(isNull([...sliceWatch.objects.values()][0], 'endpoints'), 'the watched slice has no endpoints list');
    assert.ok(isNull([...endpointsWatch.objects.values()][0], 'subsets'));
    const raw = (await (await fetch(`${d.url}${SLICES}?labelSelector=${encodeURIComponent(selectorOf('current-account'))}`)).json()) as { items: EndpointSlice[] };
    assert.equal(raw.items[0]?.endpoints, null, 'on the wire: endpoints: null');
    const listed = await discovery.listNamespacedEndpointSlice({ namespace: NS, labelSelector: selectorOf('current-account') });
    assert.equal(listed.items[0]?.endpoints ?? null, null);
    assert.equal((await core.readNamespacedEndpoints({ name: 'current-account', namespace: NS })).subsets ?? null, null);
    await admin(d.url, 'DELETE', '/__admin/faults');

    // A stalled watch: no event, no bookmark on either, while a list shows the change.
    await admin(d.url, 'PUT', '/__admin/faults/stall_watch', {});
    await sleep(300); // a bookmark written just before the stall may still be in flight
    const counts = (): string => `${sliceWatch.types.length}/${endpointsWatch.types.length}`;
    const before = counts();
    await register(d.url, 'current-account', 'current-account-1', 4200);
    await sleep(800);
    assert.equal(counts(), before, 'nothing through the stalled watches');
    const fresh = await discovery.listNamespacedEndpointSlice({ namespace: NS, labelSelector: selectorOf('current-account') });
    assert.deepEqual(sliceView(fresh.items), ['current-account-1@127.0.0.1:4200/http ready']);
    await admin(d.url, 'DELETE', '/__admin/faults');
    await eventually(() => JSON.stringify(viewOfSlices([...sliceWatch.objects.values()] as EndpointSlice[])) === JSON.stringify(sliceView(fresh.items)), 3000, 'healed: the slice watch catches up');
    await eventually(() => (endpointsWatch.objects.get('current-account') as k8s.V1Endpoints | undefined)?.subsets?.length === 1, 3000, 'healed: the Endpoints watch catches up');
  });

  it('errors reach the client as Status objects: its ApiException carries them, its model parses them', async () => {
    const statusOf = async (call: () => Promise<unknown>): Promise<{ code: number; status: k8s.V1Status }> => {
      try {
        await call();
      } catch (err) {
        assert.ok(err instanceof k8s.ApiException, `an ApiException, not ${String(err)}`);
        const e = err as k8s.ApiException<string>;
        const status = ObjectSerializer.deserialize(JSON.parse(e.body), 'V1Status') as k8s.V1Status;
        assert.ok(status instanceof k8s.V1Status);
        return { code: e.code, status };
      }
      throw new Error('the call succeeded');
    };
    const missing = await statusOf(() => discovery.readNamespacedEndpointSlice({ name: 'ledger-nope1', namespace: NS }));
    assert.equal(missing.code, 404);
    assert.equal(missing.status.reason, 'NotFound');
    assert.equal(missing.status.details?.name, 'ledger-nope1');
    assert.equal(missing.status.details?.group, 'discovery.k8s.io');
    const badSelector = await statusOf(() => discovery.listNamespacedEndpointSlice({ namespace: NS, labelSelector: 'kubernetes.io/service-name in ledger' }));
    assert.equal(badSelector.code, 400);
    assert.equal(badSelector.status.reason, 'BadRequest');
    assert.match(badSelector.status.message ?? '', /parentheses/);
    const tooLong = await statusOf(() => core.readNamespacedEndpoints({ name: 'a'.repeat(300), namespace: NS }));
    assert.equal(tooLong.code, 414);
    assert.equal(tooLong.status.status, 'Failure');

    await admin(d.url, 'PUT', '/__admin/faults/fail_api', { status: 503 });
    try {
      const unavailable = await statusOf(() => discovery.listNamespacedEndpointSlice({ namespace: NS }));
      assert.equal(unavailable.code, 503);
      assert.equal(unavailable.status.reason, 'ServiceUnavailable');
      assert.equal(unavailable.status.code, 503);
      const failedWatch = await ClientWatch.open(kc, SLICES, {});
      await withTimeout(
        (async () => {
          while (failedWatch.ended === undefined) await sleep(20);
        })(),
        3000,
        'the failed watch did not end',
      );
      assert.equal((failedWatch.ended as { statusCode?: number }).statusCode, 503);
    } finally {
      await admin(d.url, 'DELETE', '/__admin/faults');
    }
  });
});
