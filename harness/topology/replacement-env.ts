// The environment a replacement started by command gets, replica by replica: the contract between
// faultline and a team's own service (README, "Test your own service"). Every variable is set for every
// replica unless said otherwise; a restart on a new port starts the process again with a new PORT.
//
// | variable                     | what it holds                                                                  |
// | ---------------------------- | ------------------------------------------------------------------------------ |
// | `PORT`, `FAULTLINE_PORT`     | the port to listen on, chosen by faultline (listen on FAULTLINE_HOST)          |
// | `FAULTLINE_HOST`             | `127.0.0.1`                                                                    |
// | `FAULTLINE_SERVICE`          | the service it replaces: card-processor, ledger, ledger-store or feed          |
// | `FAULTLINE_REPLICA`          | its replica name: `ledger-1`, `card-processor-2`, `ledger-store`               |
// | `FAULTLINE_DISCOVERY_URL`    | the discovery stub (Kubernetes Endpoints API): where a processor resolves      |
// |                              | `ledger` and `feed` (`GET /api/v1/namespaces/{ns}/endpoints/{name}`, `?watch=1`); |
// |                              | not for ledger-store, which starts beside discovery                            |
// | `FAULTLINE_NAMESPACE`        | the namespace in discovery: `payments`                                         |
// | `FAULTLINE_LEDGER_STORE_URL` | ledger replicas only: the ledger store, the one state owner behind them         |
// | `FAULTLINE_SEED`             | the run's seed                                                                 |
// | `FAULTLINE_ACCOUNTS`         | how many seeded accounts (`seedAccounts(seed, count)` in services/common/accounts.ts) |
// | `FAULTLINE_CONFIG`           | the JSON config the mock in its place would get (same seed, accounts, URLs)    |
//
// The scenario's `env:` adds variables and may override these, except the port; the rest of faultline's
// own environment is inherited.
import { serviceEntry, type NeighbourVariable } from '../../services/catalogue.ts';
import { DEFAULT_NAMESPACE } from '../../services/discovery/contract.ts';
import type { ServiceName } from './types.ts';

export interface ReplicaEnvContext {
  seed: number;
  accounts: number;
  /** The discovery stub, through its proxy; unknown while the infrastructure itself starts. */
  discoveryUrl?: string;
  /** The ledger store's address (ledger replicas only). */
  storeUrl?: string;
}

/** The variables a replica keeps across restarts (PORT and FAULTLINE_PORT come from portEnvironment). */
export function replicaEnvironment(
  replica: { name: string; service: ServiceName; config: Record<string, unknown> },
  ctx: ReplicaEnvContext,
): Record<string, string> {
  const env: Record<string, string> = {
    FAULTLINE_HOST: '127.0.0.1',
    FAULTLINE_SERVICE: replica.service,
    FAULTLINE_REPLICA: replica.name,
    FAULTLINE_NAMESPACE: DEFAULT_NAMESPACE,
    FAULTLINE_SEED: String(ctx.seed),
    FAULTLINE_ACCOUNTS: String(ctx.accounts),
    FAULTLINE_CONFIG: JSON.stringify(replica.config),
  };
  const neighbours: Record<NeighbourVariable, string | undefined> = { FAULTLINE_DISCOVERY_URL: ctx.discoveryUrl, FAULTLINE_LEDGER_STORE_URL: ctx.storeUrl };
  for (const variable of serviceEntry(replica.service).env) {
    const value = neighbours[variable];
    if (value) env[variable] = value;
  }
  return env;
}

/** The port variables for one start of a replica. */
export function portEnvironment(port: number): Record<string, string> {
  return { PORT: String(port), FAULTLINE_PORT: String(port) };
}
