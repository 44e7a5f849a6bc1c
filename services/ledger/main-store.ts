// The ledger store process. Config (FAULTLINE_CONFIG): {seed, accounts, idempotency?, replica?}.
import { createApp } from '../common/app.ts';
import { httpFaultsPlugin } from '../common/http-faults.ts';
import { runMain, serve } from '../common/serve.ts';
import { createLedgerBook } from './book-factory.ts';
import { configOrExit, ledgerStoreConfigSchema } from './config.ts';
import { ledgerStorePlugin } from './store-plugin.ts';

async function main(): Promise<void> {
  const config = configOrExit(ledgerStoreConfigSchema, 'ledger-store');
  const app = createApp();
  await app.register(httpFaultsPlugin, { seed: config.seed, replica: config.replica });
  await app.register(ledgerStorePlugin, { book: createLedgerBook(config), replica: config.replica });
  await serve(app, { service: 'ledger-store', replica: config.replica });
}

runMain(main);
