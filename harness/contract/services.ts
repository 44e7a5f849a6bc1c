// What faultline publishes for each service: how to build its app from its plugin (as its process does, but
// with stand-ins for what it would call and no listening), what the document says about the service as a
// whole, how its routes are tagged, and the answers its routes give beyond their declared schemas.
// One file a service in service-specs/; this file keeps the names the rest of the contract code imports.
import type { ContractService } from './types.ts';
import type { ServiceSpec } from './service-specs/spec.ts';
import { cardProcessor } from './service-specs/card-processor.ts';
import { ledger, ledgerStore } from './service-specs/ledger.ts';
import { feed } from './service-specs/feed.ts';
import { discovery } from './service-specs/discovery.ts';

export type { RouteKey, ServiceSpec } from './service-specs/spec.ts';

export const SERVICE_SPECS: Readonly<Record<ContractService, ServiceSpec>> = {
  'card-processor': cardProcessor,
  ledger,
  'ledger-store': ledgerStore,
  feed,
  discovery,
};
