// The discovery stub process. Config (FAULTLINE_CONFIG): { namespace?, bookmark_ms?, history_size?, seed?, services? }.
import { createApp } from '../common/app.ts';
import { readServiceConfig, runMain, serve } from '../common/serve.ts';
import { DISCOVERY_APP_OPTIONS, discoveryPlugin } from './plugin.ts';

interface DiscoveryConfig {
  namespace?: string;
  bookmark_ms?: number;
  history_size?: number;
  seed?: number;
  /** Services created with no replicas at start (scaled to zero). */
  services?: string[];
  /** Compose mode: the driver's admin calls come from the Docker network. */
  admin_any_source?: boolean;
}

async function main(): Promise<void> {
  const config = readServiceConfig<DiscoveryConfig>();
  const app = createApp(DISCOVERY_APP_OPTIONS);
  await app.register(discoveryPlugin, {
    namespace: config.namespace,
    bookmarkMs: config.bookmark_ms,
    historySize: config.history_size,
    seed: config.seed,
    services: config.services,
    adminAnySource: config.admin_any_source === true,
  });
  await serve(app, { service: 'discovery', replica: 'discovery', drainMs: 1000 });
}

runMain(main);
