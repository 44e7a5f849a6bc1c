// The feed/balance API process. Config (FAULTLINE_CONFIG): {replica, seed, accounts, miss_events_percent?}.
import { seedAccounts } from '../common/accounts.ts';
import { createApp } from '../common/app.ts';
import { httpFaultsPlugin } from '../common/http-faults.ts';
import { runMain, serve } from '../common/serve.ts';
import { configOrExit } from '../ledger/config.ts';
import { feedConfigSchema } from './config.ts';
import { FeedState } from './feed-state.ts';
import { FEED_BODY_LIMIT, feedPlugin } from './plugin.ts';

async function main(): Promise<void> {
  const config = configOrExit(feedConfigSchema, 'feed');
  const state = new FeedState({
    accounts: seedAccounts(config.seed, config.accounts),
    seed: config.seed,
    missPercent: config.miss_events_percent,
  });
  const app = createApp({ bodyLimit: FEED_BODY_LIMIT });
  await app.register(httpFaultsPlugin, { seed: config.seed, replica: config.replica });
  await app.register(feedPlugin, { state, replica: config.replica });
  await serve(app, { service: 'feed', replica: config.replica });
}

runMain(main);
