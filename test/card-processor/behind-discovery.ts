// Test support: a card processor behind a real discovery stub and a real hardened router, its ledger and feed
// registered in discovery at the URLs a test serves them on (node:http upstreams that forward or misbehave).
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../services/common/app.ts';
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
