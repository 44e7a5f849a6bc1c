// Helpers for the contract-check tests: a mock ledger store in this process, a node:http proxy in front of
// it that breaks one rule on purpose (a deliberately broken service of our own), the checks run against a
// URL without the CLI, and a mock's entry started by a command line of ours.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../services/common/app.ts';
import { httpFaultsPlugin } from '../../services/common/http-faults.ts';
import { seedAccounts } from '../../services/common/accounts.ts';
import { FeedState } from '../../services/feed/feed-state.ts';
import { FEED_BODY_LIMIT, feedPlugin } from '../../services/feed/plugin.ts';
import { createLedgerBook } from '../../services/ledger/book-factory.ts';
import { ledgerStorePlugin } from '../../services/ledger/store-plugin.ts';
import { cardProcessorPlugin } from '../../services/card-processor/plugin.ts';
import { createDiscoveryApp } from '../../services/discovery/plugin.ts';
import { createRouter } from '../../services/router/index.ts';
import { RecordingClient } from '../../harness/contract/checks/recording-client.ts';
import { contractContext, runContractChecks } from '../../harness/contract/checks/index.ts';
import type { CheckContext, CheckResult, ContractCheck } from '../../harness/contract/checks/types.ts';
import type { ReplaceableService } from '../../harness/scenario/schema.ts';
import { CODE_CACHE_LOADER, serviceBundles } from '../../harness/topology/service-bundle.ts';
import assert from 'node:assert/strict';
import { cli, cliWithEnv, type CliResult } from '../support/cli.ts';
import { portAcceptsConnections } from '../support/processes.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const NODE_LEDGER = path.join(ROOT, 'test/fixtures/node-ledger/replica.mjs');

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** A mock's entry (e.g. services/ledger/main.ts) as a shell command: its bundle, or its sources under tsx. */
export async function mockCommand(entry: string): Promise<string> {
  const bundle = (await serviceBundles())?.get(entry);
  return bundle ? `${quote(process.execPath)} ${quote(CODE_CACHE_LOADER)} ${quote(bundle)}` : `${quote(process.execPath)} --import tsx ${quote(path.join(ROOT, entry))}`;
}

export function nodeLedgerCommand(): string {
  return `${quote(process.execPath)} ${quote(NODE_LEDGER)}`;
}

export interface Running {
  url: string;
  close(): Promise<void>;
}

/** faultline's ledger store (the mock), in this process, with the seeded accounts of `seed`. */
export async function startMockLedgerStore(seed = 1): Promise<Running> {
  const app = createApp();
  await app.register(httpFaultsPlugin, { seed, replica: 'ledger-store' });
  await app.register(ledgerStorePlugin, { book: createLedgerBook({ seed, accounts: 100, idempotency: true }), replica: 'ledger-store' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** faultline's feed/balance API (the mock), in this process, with the seeded accounts of `seed` (missing a share of events: its defect). */
export async function startMockFeed(seed = 1, missPercent = 0): Promise<Running> {
  const app = createApp({ bodyLimit: FEED_BODY_LIMIT });
  await app.register(httpFaultsPlugin, { seed, replica: 'feed-1' });
  await app.register(feedPlugin, { state: new FeedState({ accounts: seedAccounts(seed, 100), seed, missPercent }), replica: 'feed-1' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export interface MockPipeline {
  /** The card processor (the mock), resolving its ledger through a real router and discovery stub. */
  processor: Running;
  /** The ledger store behind it (its state: what the read-back reads). */
  ledgerUrl: string;
  close(): Promise<void>;
}

/** faultline's card processor in this process, with a discovery stub and a ledger store behind it (no feed). */
export async function startMockPipeline(seed = 1): Promise<MockPipeline> {
  const discovery = (await createDiscoveryApp({ bookmarkMs: 200 })).app;
  await discovery.listen({ host: '127.0.0.1', port: 0 });
  const ledger = await startMockLedgerStore(seed);
  const discoveryUrl = `http://127.0.0.1:${(discovery.server.address() as AddressInfo).port}`;
  await discovery.inject({ method: 'POST', url: '/__admin/register', payload: { service: 'ledger', replica: 'ledger-1', ip: '127.0.0.1', port: Number(new URL(ledger.url).port) } });
  const router = await createRouter({ policy: 'hardened', discoveryUrl, services: ['ledger', 'feed'] });
  const app = createApp();
  await app.register(httpFaultsPlugin, { seed, replica: 'card-processor-1' });
  await app.register(cardProcessorPlugin, { replica: 'card-processor-1', router, seed, accounts: 100, feedEvents: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    processor: { url, close: () => app.close() },
    ledgerUrl: ledger.url,
    close: async () => {
      await app.close();
      await ledger.close();
      await discovery.close();
    },
  };
}

export interface ProxiedRequest {
  method: string;
  path: string;
  body: string;
}

export interface ProxiedAnswer {
  status: number;
  body: string;
}

/**
 * A defect: given a request and a way to forward it (optionally changed) to the correct service, the answer
 * to give. `server` lets a defect stop the whole service (a crash).
 */
export type Defect = (req: ProxiedRequest, forward: (body?: string) => Promise<ProxiedAnswer>, server: http.Server) => Promise<ProxiedAnswer | null>;

/** A broken service of our own: node:http in front of `upstream`, breaking one rule through `defect`. */
export async function startBrokenService(upstream: string, defect: Defect): Promise<Running> {
  const agent = new http.Agent({ keepAlive: true });
  const forward = (req: ProxiedRequest) => (body = req.body): Promise<ProxiedAnswer> =>
    new Promise((resolve, reject) => {
      const out = http.request(new URL(req.path, upstream), { method: req.method, agent, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      out.once('error', reject);
      out.end(body || undefined);
    });
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.once('end', () => {
      const request = { method: req.method ?? 'GET', path: req.url ?? '/', body };
      void defect(request, forward(request), server)
        .then((answer) => answer ?? forward(request)())
        .then(
          (answer) => {
            res.writeHead(answer.status, { 'content-type': 'application/json' });
            res.end(answer.body);
          },
          () => res.destroy(),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
        if (!server.listening) resolve();
      }),
  };
}

/** Runs some check families against a URL (or several: replicas), as `faultline contract --url` does. */
export async function checkUrl(
  service: ReplaceableService,
  url: string | string[],
  checks: readonly ContractCheck[],
  cases = 5,
  seed = 1,
  extra: Partial<Pick<CheckContext, 'ledger' | 'faultsPlanned' | 'accountsTold'>> = {},
): Promise<CheckResult[]> {
  const client = new RecordingClient(Array.isArray(url) ? url : [url], { timeoutMs: 5000 });
  try {
    const ctx = await contractContext({ service, seed, cases, client, ...(extra.ledger ? { ledger: extra.ledger } : {}) });
    if (extra.faultsPlanned) ctx.faultsPlanned = extra.faultsPlanned;
    if (extra.accountsTold !== undefined) ctx.accountsTold = extra.accountsTold;
    return await runContractChecks(ctx, () => {}, checks);
  } finally {
    client.close();
  }
}

export function json(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The replicas' ports, from the `checking … at http://127.0.0.1:PORT` line the command prints. */
export function checkedPorts(stdout: string): number[] {
  const line = stdout.split('\n').find((l) => l.startsWith('checking ')) ?? '';
  return [...line.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
}

/** `faultline contract ledger --command <node-ledger>` with one of its defects (`none`: the correct replica). */
export function nodeLedgerContract(defect: string, cases: string): ReturnType<typeof cliWithEnv> {
  return cliWithEnv(['contract', 'ledger', '--command', nodeLedgerCommand(), '--cases', cases], { NODE_LEDGER_DEFECT: defect }, 150_000);
}

/** The lines of one failure, from its FAIL line to the next blank line. */
export function failureBlock(stdout: string, head: string): string {
  const at = stdout.indexOf(`${head}\n`);
  assert.ok(at >= 0, `no "${head}" in:\n${stdout}`);
  const end = stdout.indexOf('\n\n', at);
  return stdout.slice(at, end === -1 ? undefined : end);
}

/** `faultline contract <service> --command <the mock's entry> --cases 20 --seed 3`: asserts it passed every family, leaving nothing behind. */
export async function mockByCommand(service: ReplaceableService, entry: string): Promise<CliResult> {
  const r = await cli(['contract', service, '--command', await mockCommand(entry), '--cases', '20', '--seed', '3'], 170_000);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^${service} speaks its contract: \\d+ checks passed, 0 failed \\(`, 'm'));
  for (const family of ['health', 'accounts', 'routes', 'bad-input', 'idempotency', 'rules', 'read-back', 'admin']) assert.match(r.stdout, new RegExp(`^  ${family} `, 'm'), `a ${family} row`);
  assert.match(r.stdout, /seed 3, 20 generated requests per route; accounts acc-000001 … acc-000020 \(seed 3\) of the 1000 it was told of \(FAULTLINE_ACCOUNTS\)/);
  const ports = checkedPorts(r.stdout);
  assert.equal(ports.length, 1);
  for (const port of ports) assert.equal(await portAcceptsConnections(port), false, `port ${port} is free again`);
  return r;
}
