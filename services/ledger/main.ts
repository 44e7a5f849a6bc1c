// A ledger API replica process. Config (FAULTLINE_CONFIG): {replica, storeUrl, storeTimeoutMs?,
// storeConnections?, seed?, decline_holds_percent? (a defect for checker tests)}.
import { createApp } from '../common/app.ts';
import { httpFaultsPlugin } from '../common/http-faults.ts';
import { runMain, serve } from '../common/serve.ts';
import { configOrExit, ledgerReplicaConfigSchema } from './config.ts';
import { ledgerReplicaPlugin } from './replica-plugin.ts';

async function main(): Promise<void> {
  const config = configOrExit(ledgerReplicaConfigSchema, 'ledger');
  const app = createApp();
  await app.register(httpFaultsPlugin, { seed: config.seed, replica: config.replica });
  await app.register(ledgerReplicaPlugin, {
    replica: config.replica,
    storeUrl: config.storeUrl,
    storeTimeoutMs: config.storeTimeoutMs,
    storeConnections: config.storeConnections,
    declineHoldsPercent: config.decline_holds_percent,
  });
  await serve(app, { service: 'ledger', replica: config.replica });
}

runMain(main);
