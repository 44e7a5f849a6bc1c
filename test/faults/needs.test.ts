// Where a fault kind can run follows from what its declaration says it needs (FaultNeeds), not from its
// name: against a remote Toxiproxy, on a service replaced by a URL, on a replacement without an admin route.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAULT_KINDS } from '../../harness/faults/registry.ts';
import { runsRemotely, type FaultNeeds } from '../../harness/faults/types.ts';
import { remoteRefusal } from '../../harness/topology/remote.ts';
import { replacementFaultProblem } from '../../harness/scenario/replacements.ts';
import { replaceSchema } from '../../harness/scenario/schema.ts';

test('every kind declares how it acts: through a proxy, the discovery admin API, a process or an admin route', () => {
  for (const kind of FAULT_KINDS.values()) {
    const { proxy, discoveryAdmin, processControl, adminRoute } = kind.needs;
    const ways = [proxy, discoveryAdmin, processControl, adminRoute !== undefined].filter(Boolean).length;
    assert.equal(ways, 1, `${kind.kind} declares one way to act: ${JSON.stringify(kind.needs)}`);
    if (adminRoute !== undefined) assert.match(adminRoute, /^\/__admin\//, kind.kind);
  }
});

test('runsRemotely: a proxy is all a Toxiproxy API gives; discovery faults need --discovery; processes and admin routes it never gives', () => {
  const cases: Array<[FaultNeeds, boolean, boolean]> = [
    [{ proxy: true }, true, true],
    [{ discoveryAdmin: true }, false, true],
    [{ processControl: true }, false, false],
    [{ adminRoute: '/__admin/x' }, false, false],
    [{ proxy: true, processControl: true }, false, false],
  ];
  for (const [needs, without, withDiscovery] of cases) {
    assert.equal(runsRemotely(needs, { discovery: false }), without, JSON.stringify(needs));
    assert.equal(runsRemotely(needs, { discovery: true }), withDiscovery, JSON.stringify(needs));
  }
});

test('remoteRefusal and the URL-replacement check read the declared needs of every registered kind', () => {
  const replace = replaceSchema.parse({ ledger: { url: 'http://127.0.0.1:9000' } });
  for (const kind of FAULT_KINDS.values()) {
    const window = { fault: kind.kind, target: 'ledger' };
    assert.equal(remoteRefusal(window, { discovery: true }) === null, runsRemotely(kind.needs, { discovery: true }), kind.kind);
    const refused = replacementFaultProblem(window, replace);
    assert.equal(refused !== null, kind.needs.processControl === true, `${kind.kind} on a URL replacement: ${refused}`);
  }
  assert.match(remoteRefusal({ fault: 'http.abort' }, { discovery: true }) ?? '', /admin URL \(\/__admin\/http-faults\)/);
  assert.match(remoteRefusal({ fault: 'router.restart' }, { discovery: true }) ?? '', /admin URL \(\/__admin\/router\)/);
  assert.match(remoteRefusal({ fault: 'discovery.null_subsets' }, { discovery: false }) ?? '', /--discovery/);
  assert.equal(remoteRefusal({ fault: 'network.latency' }, { discovery: false }), null);
});
