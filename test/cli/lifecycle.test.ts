// `faultline up` as a user drives it: until Ctrl-C, with no process left behind. (A run interrupted
// mid-way is in interrupt.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCli } from '../support/cli.ts';
import { pidAlive, waitFor } from '../support/processes.ts';

interface UpJson {
  toxiproxy: string;
  discovery: string;
  namespace: string;
  endpoints: string;
  endpointslices: string;
  services: Array<{ replica: string; url: string; pid: number; proxy: string | null }>;
}

test('faultline up serves the pipeline and the Toxiproxy API until SIGINT, then leaves nothing running', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-up-'));
  const json = path.join(dir, 'up.json');
  const run = startCli(['up', '--toxiproxy-port', '0', '--json', json]);
  try {
    // The file is written whole (renamed into place) after the lines are printed; wait for both, since
    // the printed lines may reach this process after the file appears.
    await waitFor(() => existsSync(json) && run.output().includes(`wrote ${json}`), 60_000, 'the --json file and the printed URLs');
    const up = JSON.parse(readFileSync(json, 'utf8')) as UpJson;
    assert.match(run.output(), /Toxiproxy API/);
    assert.equal(up.namespace, 'payments');
    assert.match(run.output(), /namespace: payments/);
    // What a Kubernetes client asks for: the Endpoints list of the namespace faultline printed.
    const list = (await (await fetch(up.endpoints, { signal: AbortSignal.timeout(5000) })).json()) as { kind: string; items: Array<{ metadata: { name: string } }> };
    assert.equal(list.kind, 'EndpointsList');
    assert.ok(list.items.some((e) => e.metadata.name === 'ledger'), JSON.stringify(list).slice(0, 300));
    const slices = (await (await fetch(`${up.endpointslices}?labelSelector=kubernetes.io%2Fservice-name%3Dledger`, { signal: AbortSignal.timeout(5000) })).json()) as { kind: string; items: unknown[] };
    assert.equal(slices.kind, 'EndpointSliceList');
    assert.ok(slices.items.length >= 1, JSON.stringify(slices).slice(0, 300));
    const proxies = (await (await fetch(`${up.toxiproxy}/proxies`)).json()) as Record<string, unknown>;
    for (const name of ['card-processor-1', 'card-processor-2', 'ledger-1', 'ledger-2', 'feed-1', 'discovery']) assert.ok(name in proxies, `proxy ${name}`);
    for (const s of up.services) assert.equal((await fetch(`${s.url}/health`, { signal: AbortSignal.timeout(5000) })).status, 200, s.replica);
    run.child.kill('SIGINT');
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr);
    for (const s of up.services) assert.equal(pidAlive(s.pid), false, `${s.replica} (pid ${s.pid}) stopped`);
  } finally {
    run.child.kill('SIGKILL');
  }
});
