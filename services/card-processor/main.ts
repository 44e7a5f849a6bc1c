// The card-processor process: builds its router (the mesh client) from discovery and serves the plugin.
import { createApp } from '../common/app.ts';
import { readServiceConfig, runMain, serve } from '../common/serve.ts';
import { DEFAULT_ACCOUNT_COUNT } from '../common/accounts.ts';
import { createRouter, hardenedTuningInput, parseRouterTuning, type RouterTuning } from '../router/index.ts';
import { cardProcessorPlugin } from './plugin.ts';
import { httpFaultsPlugin } from '../common/http-faults.ts';

interface ProcessorConfig {
  replica?: string;
  router?: 'naive' | 'hardened';
  /** The hardened router's tuning override: defences switched off, knobs set (services/router/tuning-override.ts). */
  router_tuning?: unknown;
  discoveryUrl: string;
  namespace?: string;
  seed?: number;
  accounts?: number;
  ledgerDeadlineMs?: number;
  /** Deliberate defect for checker tests (0..100). */
  drop_advices_percent?: number;
  /** Deliberate defect for checker tests: a reused id is answered from this replica's first answer, whatever its content. */
  idempotency_by_id_only?: boolean;
}

async function main(): Promise<void> {
  const config = readServiceConfig<ProcessorConfig>();
  if (!config.discoveryUrl) {
    process.stderr.write('card-processor: FAULTLINE_CONFIG needs discoveryUrl\n');
    process.exit(2);
  }
  let routerTuning: RouterTuning;
  try {
    routerTuning = parseRouterTuning(config.router_tuning);
  } catch (err) {
    process.stderr.write(`card-processor: FAULTLINE_CONFIG router_tuning: ${(err as Error).message}\n`);
    process.exit(2);
  }
  if (config.router === 'naive' && Object.keys(routerTuning).length > 0) {
    process.stderr.write('card-processor: FAULTLINE_CONFIG router_tuning tunes the hardened router; router is naive\n');
    process.exit(2);
  }
  const replica = config.replica ?? 'card-processor-1';
  const router = await createRouter({
    policy: config.router ?? 'hardened',
    tuning: hardenedTuningInput(routerTuning),
    discoveryUrl: config.discoveryUrl,
    namespace: config.namespace,
    services: ['ledger', 'feed'],
    hop: (service) => (service === 'feed' ? 'processor->feed' : 'processor->ledger'),
    seed: config.seed ?? 1,
  });
  const app = createApp();
  await app.register(httpFaultsPlugin, { seed: config.seed ?? 1, replica });
  await app.register(cardProcessorPlugin, {
    replica,
    router,
    seed: config.seed ?? 1,
    accounts: config.accounts ?? DEFAULT_ACCOUNT_COUNT,
    ledgerDeadlineMs: config.ledgerDeadlineMs,
    dropAdvicesPercent: config.drop_advices_percent,
    idempotencyByIdOnly: config.idempotency_by_id_only === true,
  });
  await serve(app, { service: 'card-processor', replica });
}

runMain(main);
