// Compose mode swaps the embedded proxy for the real Toxiproxy without changing a scenario. That holds
// because a scenario's faults reach the proxy only through the Toxiproxy HTTP API (toxiproxy-node-client).
// This test runs a shipped scenario's fault timeline (ledger-latency, compressed in time) against the
// embedded topology and its embedded proxy, with a pass-through recorder in front of the proxy API, and
// asserts the exact API calls: the calls the real Toxiproxy receives in compose mode.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Toxiproxy } from 'toxiproxy-node-client';
import ledgerLatencyInput from '../../scenarios/ledger-latency.ts';
import { scenarioSchema } from '../../harness/scenario/schema.ts';
import { startEmbeddedTopology } from '../../harness/topology/embedded.ts';
import { FaultTimeline } from '../../harness/runner/fault-timeline.ts';
import type { RunningTopology } from '../../harness/topology/types.ts';
import { waitFor } from './fixtures/fake-docker.ts';

const ledgerLatency = scenarioSchema.parse(ledgerLatencyInput);

interface ApiCall {
  method: string;
  path: string;
  body: unknown;
  status: number;
}

/** Forwards every request to `target` unchanged and records it with the answer's status. */
async function startRecorder(target: string): Promise<{ url: string; calls: ApiCall[]; close: () => Promise<void> }> {
  const calls: ApiCall[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString();
      void (async () => {
        const answer = await fetch(`${target}${req.url ?? '/'}`, {
          method: req.method,
          headers: { 'content-type': req.headers['content-type'] ?? 'application/json', 'user-agent': req.headers['user-agent'] ?? 'node' },
          body: raw.length > 0 ? raw : undefined,
          signal: AbortSignal.timeout(5000),
        });
        const text = await answer.text();
        calls.push({ method: req.method ?? '', path: req.url ?? '', body: raw ? (JSON.parse(raw) as unknown) : undefined, status: answer.status });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(text);
      })().catch((err: Error) => {
        res.writeHead(502);
        res.end(err.message);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('a scenario fault timeline through the Toxiproxy HTTP API', () => {
  let topology: RunningTopology;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;

  before(async () => {
    topology = await startEmbeddedTopology(ledgerLatency.topology, { seed: ledgerLatency.seed });
    recorder = await startRecorder(topology.urls.toxiproxy);
  });
  after(async () => {
    await recorder?.close();
    await topology?.stop();
  });

  it('ledger-latency makes exactly these calls, the same the real Toxiproxy gets in compose mode', async () => {
    // The scenario's windows, 20 times faster: 10 s..30 s becomes 0.5 s..1.5 s.
    const windows = ledgerLatency.faults.map((w) => ({ ...w, start_s: w.start_s / 20, end_s: w.end_s / 20 }));
    const logs: string[] = [];
    const timeline = new FaultTimeline(
      windows,
      {
        toxiproxy: new Toxiproxy(recorder.url),
        topology,
        discoveryUrl: topology.urls.discovery,
        seed: ledgerLatency.seed,
        log: (line) => logs.push(line),
      },
      (line) => logs.push(line),
    );
    timeline.start(performance.now());
    await waitFor('the window to be applied', () => timeline.summaries().every((s) => s.applied_s !== null), 10_000);
    // While the window is open, each ledger proxy carries the toxic (read through the API, not recorded).
    for (const name of ['ledger-1', 'ledger-2']) {
      const toxics = (await (await fetch(`${topology.urls.toxiproxy}/proxies/${name}/toxics`)).json()) as Record<string, unknown>[];
      assert.deepEqual(
        toxics.map((t) => ({ name: t.name, type: t.type, stream: t.stream, toxicity: t.toxicity, attributes: t.attributes })),
        [{ name: 'ledger-latency', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 300, jitter: 100 } }],
      );
    }
    await waitFor('the window to be healed', () => timeline.summaries().every((s) => s.healed_s !== null), 10_000);
    await timeline.healAll();
    assert.ok(timeline.summaries().every((s) => s.error === undefined), logs.join('\n'));

    const toxic = { name: 'ledger-latency', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 300, jitter: 100 } };
    assert.deepEqual(
      recorder.calls.map((c) => ({ method: c.method, path: c.path, body: c.body, status: c.status })),
      [
        { method: 'GET', path: '/proxies/ledger-1', body: undefined, status: 200 },
        { method: 'POST', path: '/proxies/ledger-1/toxics', body: toxic, status: 200 },
        { method: 'GET', path: '/proxies/ledger-2', body: undefined, status: 200 },
        { method: 'POST', path: '/proxies/ledger-2/toxics', body: toxic, status: 200 },
        { method: 'DELETE', path: '/proxies/ledger-1/toxics/ledger-latency', body: undefined, status: 204 },
        { method: 'DELETE', path: '/proxies/ledger-2/toxics/ledger-latency', body: undefined, status: 204 },
      ],
      logs.join('\n'),
    );
  });
});
