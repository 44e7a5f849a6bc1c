// Every field of FAULTLINE_CONFIG, the JSON a replica gets from faultline (the config the mock in its place reads),
// per service: published in each contract's description and in services/contracts/README.md, and kept in step
// with what the topology passes (test/contract/implementer-docs.test.ts compares the fields with embedded-plan.ts).
import type { ReplaceableService } from '../scenario/schema.ts';

export interface ConfigField {
  name: string;
  /** JSON type and an example. */
  type: string;
  meaning: string;
  /** Passed by faultline in every run (false: read by the mock when present, never passed). */
  passed: boolean;
  /** A replacement may ignore it (it only steers faultline's own mock). */
  mockOnly?: boolean;
}

const seed: ConfigField = { name: 'seed', type: 'integer, e.g. 1', meaning: "the run's seed (also FAULTLINE_SEED): it derives the seeded accounts (vectors/accounts.json)", passed: true };
const accounts: ConfigField = { name: 'accounts', type: 'integer, e.g. 1000', meaning: 'how many seeded accounts (also FAULTLINE_ACCOUNTS): acc-000001 … acc-<n>', passed: true };
const replica = (example: string): ConfigField => ({ name: 'replica', type: `string, e.g. "${example}"`, meaning: 'its replica name (also FAULTLINE_REPLICA)', passed: true });

export const CONFIG_FIELDS: Readonly<Record<ReplaceableService, readonly ConfigField[]>> = {
  'card-processor': [
    replica('card-processor-1'),
    { name: 'router', type: '"naive" | "hardened"', meaning: "the mesh client policy of faultline's processor (how it reads discovery)", passed: true, mockOnly: true },
    { name: 'discoveryUrl', type: 'string (URL)', meaning: 'the discovery stub, through its proxy (also FAULTLINE_DISCOVERY_URL): resolve `ledger` and `feed` there', passed: true },
    { name: 'namespace', type: 'string, "payments"', meaning: 'the namespace in discovery (also FAULTLINE_NAMESPACE)', passed: true },
    seed,
    accounts,
    { name: 'drop_advices_percent', type: 'number 0–100, 0 in a run', meaning: 'a deliberate defect for checker tests (acknowledge advices without posting them)', passed: true, mockOnly: true },
    { name: 'idempotency_by_id_only', type: 'boolean, false in a run', meaning: "a deliberate defect for checker tests (answer a reused id from the replica's first answer)", passed: true, mockOnly: true },
    { name: 'ledgerDeadlineMs', type: 'integer, default 1500', meaning: "the mock's budget for its ledger call (below the network's 2 s deadline); never passed", passed: false, mockOnly: true },
  ],
  ledger: [
    replica('ledger-1'),
    { name: 'storeUrl', type: 'string (URL)', meaning: 'the ledger store behind it (also FAULTLINE_LEDGER_STORE_URL)', passed: true },
    seed,
    { name: 'decline_holds_percent', type: 'number 0–100, 0 in a run', meaning: 'a deliberate defect for checker tests (answer that share of holds `insufficient_funds` for no reason: false declines)', passed: true, mockOnly: true },
    { name: 'storeTimeoutMs', type: 'integer, default 5000', meaning: "the mock's deadline for one call to the store; never passed", passed: false, mockOnly: true },
    { name: 'storeConnections', type: 'integer, default 32', meaning: "the mock's keep-alive connections to the store; never passed", passed: false, mockOnly: true },
  ],
  'ledger-store': [
    seed,
    accounts,
    { name: 'idempotency', type: 'boolean, true in a run', meaning: 'false is a deliberate defect for checker tests (no idempotency: a retried hold holds twice)', passed: true, mockOnly: true },
    { name: 'replica', type: 'string, default "ledger-store"', meaning: 'its name in /health; never passed (FAULTLINE_REPLICA says `ledger-store`)', passed: false, mockOnly: true },
  ],
  feed: [
    replica('feed-1'),
    seed,
    accounts,
    { name: 'miss_events_percent', type: 'number 0–100, 0 in a run', meaning: 'a deliberate defect for checker tests (drop that share of events)', passed: true, mockOnly: true },
  ],
};

/** The fields as Markdown list lines, for a contract's description. */
export function configFieldLines(service: ReplaceableService): string[] {
  return CONFIG_FIELDS[service].map((f) => `  - \`${f.name}\` (${f.type}): ${f.meaning}${f.mockOnly ? '; a replacement may ignore it' : ''}.`);
}
