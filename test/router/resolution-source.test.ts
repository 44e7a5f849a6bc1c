// Reading EndpointSlices into services: the join by kubernetes.io/service-name, and a resilient reading of
// what a slice may hold (null endpoints, not-ready endpoints, no ports, FQDN, no label, garbage).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolutionSource } from '../../services/router/resolution-source.ts';

const slice = (name: string, service: string | undefined, endpoints: unknown, ports: unknown = [{ name: 'http', port: 4100, protocol: 'TCP' }], extra: object = {}) => ({
  kind: 'EndpointSlice',
  metadata: { name, ...(service ? { labels: { 'kubernetes.io/service-name': service } } : {}) },
  addressType: 'IPv4',
  endpoints,
  ports,
  ...extra,
});
const ep = (ip: string, name: string, ready?: boolean) => ({ addresses: [ip], targetRef: { kind: 'Pod', name }, ...(ready === undefined ? {} : { conditions: { ready } }) });

describe('resolution from EndpointSlices', () => {
  it("joins a service's slices, in port then replica order, whatever order they came in; an address listed twice stays twice, as with Endpoints", () => {
    const source = resolutionSource('endpointslices');
    const listed = source.fromList([
      slice('ledger-bbbbb', 'ledger', [ep('127.0.0.1', 'ledger-2')], [{ name: 'http', port: 4102 }]),
      slice('ledger-ccccc', 'ledger', [ep('127.0.0.3', 'ledger-3', true), ep('127.0.0.1', 'ledger-1'), ep('127.0.0.1', 'ledger-1-again')], [{ name: 'metrics', port: 9000 }, { name: 'http', port: 4101 }]),
      slice('feed-ddddd', 'feed', []),
    ]);
    assert.deepEqual(
      listed.map((u) => [u.name, u.shape, u.addresses.map((a) => `${a.name}@${a.key}`)]),
      [
        ['ledger', 'ok', ['ledger-1@127.0.0.1:4101', 'ledger-1-again@127.0.0.1:4101', 'ledger-3@127.0.0.3:4101', 'ledger-2@127.0.0.1:4102']],
        ['feed', 'empty', []],
      ],
    );
    // A change to one slice gives the whole service again; deleting its last slice makes it absent.
    const [changed] = source.fromEvent('MODIFIED', slice('ledger-bbbbb', 'ledger', [ep('127.0.0.1', 'ledger-2', false)], [{ name: 'http', port: 4102 }]));
    assert.deepEqual(changed?.addresses.map((a) => a.name), ['ledger-1', 'ledger-1-again', 'ledger-3'], 'a not-ready endpoint is not routed to');
    source.fromEvent('DELETED', slice('ledger-ccccc', 'ledger', null));
    const [gone] = source.fromEvent('DELETED', slice('ledger-bbbbb', 'ledger', null));
    assert.deepEqual(gone, { name: 'ledger', addresses: [], shape: 'absent' });
    // A fresh list forgets what it knew.
    assert.deepEqual(source.fromList([]), []);
  });

  it('reads endpoints: null as no endpoint (shape null) and never throws on what a slice may hold', () => {
    const source = resolutionSource('endpointslices');
    const updates = source.fromList([
      slice('zero-aaaaa', 'zero', null, null),
      slice('fqdn-aaaaa', 'fqdn', [ep('ledger.example', 'x')], undefined, { addressType: 'FQDN' }),
      slice('noports-aaaaa', 'noports', [ep('127.0.0.1', 'x')], null),
      slice('junk-aaaaa', 'junk', 'not a list'),
      slice('orphan-aaaaa', undefined, [ep('127.0.0.1', 'x')]),
      slice('odd-aaaaa', 'odd', [null, { addresses: 'x' }, { addresses: [] }, ep('127.0.0.1', 'fine')], [{ name: 'http', port: 70000 }, null]),
      null,
      42,
    ]);
    assert.deepEqual(
      Object.fromEntries(updates.map((u) => [u.name, `${u.shape}:${u.addresses.length}`])),
      { zero: 'null:0', fqdn: 'empty:0', noports: 'empty:0', junk: 'invalid:0', odd: 'empty:0' },
    );
    // A service with a null slice and a live one is live.
    const [mixed] = source.fromEvent('ADDED', slice('zero-bbbbb', 'zero', [ep('127.0.0.1', 'zero-1')]));
    assert.equal(mixed?.shape, 'ok');
  });

  it('reads Endpoints as before: one object per service, DELETED is absent', () => {
    const source = resolutionSource('endpoints');
    const [one] = source.fromList([{ metadata: { name: 'ledger' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 4100 }] }] }]);
    assert.equal(one?.shape, 'ok');
    assert.deepEqual(source.fromEvent('MODIFIED', { metadata: { name: 'ledger' }, subsets: null }), [{ name: 'ledger', addresses: [], shape: 'null' }]);
    assert.deepEqual(source.fromEvent('DELETED', { metadata: { name: 'ledger' } }), [{ name: 'ledger', addresses: [], shape: 'absent' }]);
  });
});
