// Test support: a card processor behind a real discovery stub and a real hardened router, its ledger and feed
// registered in discovery at the URLs a test serves them on (node:http upstreams that forward or misbehave),
// and the real discovery stub and ledger store those tests start first.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../services/common/app.ts';
import { createDiscoveryApp } from '../../services/discovery/plugin.ts';
import { ledgerStorePlugin } from '../../services/ledger/store-plugin.ts';
import { createLedgerBook } from '../../services/ledger/book-factory.ts';
import { cardProcessorPlugin } from '../../services/card-processor/plugin.ts';
import { createRouter, type Router } from '../../services/router/index.ts';

export async function processorBehindDiscovery(
  discovery: FastifyInstance,
  opts: { ledgerUrl: string; feedUrl: string; seed: number; accounts: number },
): Promise<{ router: Router; processor: FastifyInstance }> {
  const register = (service: string, url: string) =>
    discovery.inject({ method: 'POST', url: '/__admin/register', payload: { service, replica: `${service}-1`, ip: '127.0.0.1', port: Number(new URL(url).port) } });
  await register('ledger', opts.ledgerUrl);
  await register('feed', opts.feedUrl);
  const discoveryUrl = `http://127.0.0.1:${(discovery.server.address() as AddressInfo).port}`;
  const router = await createRouter({ policy: 'hardened', discoveryUrl, services: ['ledger', 'feed'] });
  const processor = createApp();
  await processor.register(cardProcessorPlugin, { replica: 'card-processor-1', router, seed: opts.seed, accounts: opts.accounts, feedEvents: true });
  await processor.ready();
  return { router, processor };
}

/** A discovery stub and a ledger store (with idempotency), each listening on a port of its own. */
export async function discoveryAndStore(seed: number, accounts: number): Promise<{ discovery: FastifyInstance; store: FastifyInstance; storeUrl: string }> {
  const discovery = (await createDiscoveryApp({ bookmarkMs: 200 })).app;
  await discovery.listen({ host: '127.0.0.1', port: 0 });
  const store = createApp();
  await store.register(ledgerStorePlugin, { book: createLedgerBook({ seed, accounts, idempotency: true }), replica: 'ledger-store' });
  await store.listen({ host: '127.0.0.1', port: 0 });
  return { discovery, store, storeUrl: `http://127.0.0.1:${(store.server.address() as AddressInfo).port}` };
}
