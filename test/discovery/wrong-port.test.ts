// discovery.wrong_port, from a scenario file to a router: the ledger's endpoints keep their addresses but
// advertise a port nothing listens on, so a router resolving `ledger` gets connection refused on that
// port; healing advertises the real ports and the router reaches the ledger again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connectOutcome } from '../support/processes.ts';
import os from 'node:os';
import path from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { faultKind } from '../../harness/faults/registry.ts';
import type { FaultContext } from '../../harness/faults/types.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import type { Endpoints } from '../../services/discovery/contract.ts';
import { RouteError, createRouter, type Router } from '../../services/router/index.ts';
import { startScene, type Scene } from '../router/support.ts';
import { admin, call, eventually } from './support.ts';

const SCENARIO = `name: wrong-port
description: the ledger Service's targetPort is wrong
traffic: { duration_s: 20 }
faults:
  - { name: ledger-wrong-port, fault: discovery.wrong_port, target: ledger, start_s: 5, end_s: 10 }
`;


async function attempt(router: Router): Promise<{ endpoint: string } | RouteError> {
  try {
    return await router.request('ledger', { method: 'GET', path: '/v1/accounts/a', idempotent: true });
  } catch (err) {
    if (err instanceof RouteError) return err;
    throw err;
  }
}

const unused = (): never => {
  throw new Error('discovery faults only talk to the discovery admin API');
};

describe('discovery.wrong_port', () => {
  let scene: Scene;
  let router: Router;
  let dir: string;

  before(async () => {
    scene = await startScene({ ledger: ['ledger-1', 'ledger-2'] });
    router = await createRouter({ policy: 'naive', discoveryUrl: scene.discovery.url, services: ['ledger'] });
    scene.routers.push(router);
    dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-wrong-port-'));
  });
  after(async () => {
    await scene.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('from a scenario: the router gets connection refused on the advertised port; healing restores the real ports', async () => {
    const file = path.join(dir, 'wrong-port.yaml');
    await writeFile(file, SCENARIO);
    const { scenario } = await loadScenario(file);
    const window = scenario.faults[0]!;
    const kind = faultKind(window.fault);
    assert.ok(kind, 'discovery.wrong_port is a scenario fault kind');

    const realPorts = [...scene.upstreams.values()].map((u) => u.port);
    const before = await attempt(router);
    assert.ok(!(before instanceof RouteError), 'the ledger answers before the fault');

    const ctx: FaultContext = {
      toxiproxy: new Toxiproxy('http://127.0.0.1:1'),
      topology: { resolveTarget: unused, signal: unused, terminate: unused, restart: unused },
      discoveryUrl: scene.discovery.url,
      seed: scenario.seed,
      log: () => undefined,
    };
    const active = await kind.apply(window, kind.params.parse(window.params), ctx);
    const state = (await admin(scene.discovery.url, 'GET', '/__admin/state')) as { faults: Array<{ kind: string; service: string; state: { port: number } }> };
    const fault = state.faults.find((f) => f.kind === 'wrong_port');
    assert.equal(fault?.service, 'ledger');
    const wrong = fault?.state.port ?? 0;
    assert.ok(wrong > 0 && !realPorts.includes(wrong), `advertised port ${wrong}`);

    // The addresses are right, the port is wrong.
    const served = (await call(scene.discovery.url, 'GET', '/api/v1/namespaces/payments/endpoints/ledger')).body as Endpoints;
    const subsets = served.subsets ?? [];
    assert.deepEqual(subsets.flatMap((s) => (s.addresses ?? []).map((a) => `${a.ip}/${a.targetRef?.name}`)).sort(), ['127.0.0.1/ledger-1', '127.0.0.1/ledger-2']);
    assert.deepEqual([...new Set(subsets.flatMap((s) => (s.ports ?? []).map((p) => p.port)))], [wrong]);
    assert.equal(await connectOutcome(wrong), 'ECONNREFUSED');

    let failure: RouteError | undefined;
    await eventually(
      async () => {
        const result = await attempt(router);
        failure = result instanceof RouteError ? result : undefined;
        return failure !== undefined;
      },
      3000,
      'the router follows the endpoints to the wrong port',
    );
    assert.equal(failure?.cause, 'connection_refused');
    assert.equal(failure?.endpoint, `127.0.0.1:${wrong}`);
    const hits = [...scene.upstreams.values()].reduce((n, u) => n + u.hits, 0);

    await active.heal();
    let healed: { endpoint: string } | undefined;
    await eventually(
      async () => {
        const result = await attempt(router);
        healed = result instanceof RouteError ? undefined : result;
        return healed !== undefined;
      },
      3000,
      'the router reaches the ledger again once healed',
    );
    assert.ok(realPorts.includes(Number(healed?.endpoint.split(':')[1])), `answered by ${healed?.endpoint}`);
    assert.ok([...scene.upstreams.values()].reduce((n, u) => n + u.hits, 0) > hits);
    const restored = (await call(scene.discovery.url, 'GET', '/api/v1/namespaces/payments/endpoints/ledger')).body as Endpoints;
    assert.deepEqual((restored.subsets ?? []).flatMap((s) => (s.ports ?? []).map((p) => p.port)).sort(), [...realPorts].sort());
  });
});
