// A mock replaced by URL, over real processes: a feed already running (started here, as a team would run
// theirs) is put behind its proxy and registered in discovery; process faults on it are refused before
// the run starts, naming the fault and the replacement; network and HTTP faults act on it; the run's
// money invariants hold with it in place, and its summary says what was replaced.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Toxiproxy } from 'toxiproxy-node-client';
import { startEmbeddedTopology, TopologyError } from '../../harness/topology/embedded.ts';
import { startServiceProcess, stopServiceProcess, type ServiceProcess } from '../../harness/topology/service-process.ts';
import { topologySchema, type FaultWindow } from '../../harness/scenario/schema.ts';
import { ScenarioError } from '../../harness/scenario/errors.ts';
import { networkDown } from '../../harness/faults/network.ts';
import type { Endpoints } from '../../services/discovery/contract.ts';
import { childNodeProcesses, pidAlive, waitFor } from '../support/processes.ts';
import { runShort } from '../support/run.ts';
import { replacement } from './support.ts';

const SEED = 3;

const window = (name: string, fault: string, start_s: number, end_s: number, params: Record<string, unknown> = {}): FaultWindow => ({ name, fault, target: 'feed', start_s, end_s, params });

async function answers(url: string): Promise<number | 'no answer'> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(3000) })).status;
  } catch {
    return 'no answer';
  }
}

describe('a feed replaced by URL', () => {
  let feed: ServiceProcess;
  /** As the user writes it: localhost, which faultline reaches as 127.0.0.1. */
  let url: string;
  before(async () => {
    feed = await startServiceProcess({ replica: 'feed-1', entry: 'services/feed/main.ts', config: { replica: 'feed-1', seed: SEED, accounts: 1000 } });
    url = `http://localhost:${feed.info.port}`;
  });
  after(async () => {
    await stopServiceProcess(feed);
    await waitFor(() => childNodeProcesses().length === 0, 10_000, 'every child process to exit');
  });

  it('sits behind its proxy and in discovery; process faults are refused naming it; a network fault acts on it', async () => {
    const topology = await startEmbeddedTopology(topologySchema.parse({ processors: 1, ledgers: 1 }), { seed: SEED, replace: { feed: replacement({ url }) } });
    try {
      const r = topology.resolveTarget('feed-1')[0];
      assert.ok(r?.proxy);
      assert.equal(r.runtime, 'address');
      assert.equal(r.directUrl, `http://127.0.0.1:${feed.info.port}`);
      const proxy = await new Toxiproxy(topology.urls.toxiproxy).get('feed-1');
      assert.equal(proxy.upstream, `127.0.0.1:${feed.info.port}`);
      const endpoints = (await (await fetch(`${topology.urls.discovery}/api/v1/namespaces/payments/endpoints/feed`)).json()) as Endpoints;
      assert.deepEqual(endpoints.subsets?.flatMap((s) => s.ports ?? []).map((p) => p.port), [r.proxy.listenPort]);

      assert.throws(() => topology.signal('feed-1', 'SIGSTOP'), (err: Error) => err instanceof TopologyError && /sending SIGSTOP to feed-1 is refused: feed-1 \(feed replaced by the URL http:\/\/localhost:\d+\)/.test(err.message));
      await assert.rejects(topology.restart('feed-1', { newPort: true }), /restarting feed-1 is refused: feed-1 \(feed replaced by the URL/);

      const ctx = { toxiproxy: new Toxiproxy(topology.urls.toxiproxy), topology, discoveryUrl: topology.urls.discovery, seed: SEED, log: () => {} };
      const down = await networkDown.apply(window('feed-down', 'network.down', 0, 1), {}, ctx);
      assert.equal(await answers(`${r.url}/health`), 'no answer', 'through its proxy: down');
      assert.equal(await answers(`${r.directUrl}/health`), 200, 'the service itself is fine');
      await down.heal();
      assert.equal(await answers(`${r.url}/health`), 200, 'through its proxy again once healed');
    } finally {
      await topology.stop();
    }
    assert.ok(feed.alive(), 'not faultline’s to stop');
  });

  it('a process fault on it is refused before anything starts, naming the fault and the replacement', async () => {
    await assert.rejects(
      runShort('baseline', { duration: 6 }, {}, (s) => ({ ...s, replace: { feed: replacement({ url }) }, faults: [window('freeze-feed', 'process.pause', 2, 4)] })),
      (err: Error) =>
        err instanceof ScenarioError &&
        /faults\[0\]\.target: fault "freeze-feed": process\.pause on feed is refused: feed is replaced by the URL http:\/\/localhost:\d+/.test(err.message),
    );
    assert.deepEqual(childNodeProcesses(), [feed.child.pid], 'nothing was started');
  });

  it('a run passes its money invariants with it in place; network and HTTP faults act on it; the summary says so', async () => {
    const faults = [window('feed-down', 'network.down', 1.5, 3), window('feed-503', 'http.abort', 4, 5.5, { percent: 100, status: 503, routes: ['/v1/accounts'] })];
    const result = await runShort('baseline', { duration: 7, rate: 80, seed: SEED }, {}, (s) => ({ ...s, replace: { feed: replacement({ url }) }, faults, drain_s: 30 }));
    const s = result.summary;
    for (const inv of s.invariants) assert.ok(inv.ok, `${inv.name}: ${inv.detail}`);
    assert.deepEqual(s.replaced, [{ service: 'feed', by: 'url', what: url, replicas: 1 }]);
    for (const f of s.faults) assert.ok(f.applied_s !== null && !f.error, `${f.name} applied: ${f.error ?? ''}`);
    assert.ok(s.app.total > 0 && s.app.success_rate < 1, `app reads failed while the feed was down or aborting (${s.app.success_rate})`);
    assert.ok(pidAlive(feed.info.pid));
  });
});
