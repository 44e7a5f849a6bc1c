// The seeded accounts the checks use (services/common/accounts.ts: the same accounts every mock derives
// from the run's seed), each in one role so the checks never disturb each other, and a check that runs
// again against a long-running service still finds money where it needs it:
//   rules       accounts with at least RULES_MIN_BALANCE, where the payment rules hold and reverse small amounts
//   idempotency one account for the retried and reused keys
//   overdraft   one account the advice-into-overdraft rule overdraws
//   generated   the rest: generated requests draw their accounts from these (near-empty ones included)
// A service checked by URL must know these accounts: acc-000001 up to `last` (CONTRACT_ACCOUNT_COUNT). In a run
// (and when faultline starts it for the check) a service is told FAULTLINE_ACCOUNTS (1,000 by default) and must
// know them all: the checks use the first 20 (the accounts check also reads the last one it was told of).
import { DEFAULT_ACCOUNT_COUNT, seedAccounts, type AccountSeed } from '../../../services/common/accounts.ts';

/** How many seeded accounts a service checked by URL must know (acc-000001 … acc-000020). */
export const CONTRACT_ACCOUNT_COUNT = 20;
const RULES_MIN_BALANCE = 20_000;
const RULES_ACCOUNTS = 3;

export interface ContractAccounts {
  seed: number;
  all: AccountSeed[];
  rules: AccountSeed[];
  idempotency: AccountSeed;
  overdraft: AccountSeed;
  generated: AccountSeed[];
  /** The id of an account no seed has (`unknown-…`). */
  unknown: string;
}

export function contractAccounts(seed: number): ContractAccounts {
  const all = seedAccounts(seed, CONTRACT_ACCOUNT_COUNT);
  const funded = all.filter((a) => a.opening_balance >= RULES_MIN_BALANCE);
  if (funded.length < RULES_ACCOUNTS + 3) throw new Error(`seed ${seed} gives too few funded accounts among the first ${CONTRACT_ACCOUNT_COUNT}`);
  const rules = funded.slice(0, RULES_ACCOUNTS);
  const idempotency = funded[RULES_ACCOUNTS] as AccountSeed;
  const overdraft = funded[RULES_ACCOUNTS + 1] as AccountSeed;
  const taken = new Set([...rules, idempotency, overdraft].map((a) => a.id));
  return { seed, all, rules, idempotency, overdraft, generated: all.filter((a) => !taken.has(a.id)), unknown: 'unknown-account-000' };
}

/** `acc-000001 … acc-000020 (seed 1) of the 1000 it was told of (FAULTLINE_ACCOUNTS)` */
export function describeAccounts(accounts: ContractAccounts, told?: number): string {
  const first = accounts.all[0]?.id ?? '';
  const last = accounts.all[accounts.all.length - 1]?.id ?? '';
  const of =
    told !== undefined
      ? ` of the ${told} it was told of (FAULTLINE_ACCOUNTS)`
      : `; in a run it is told FAULTLINE_ACCOUNTS (default ${DEFAULT_ACCOUNT_COUNT}) and must know them all`;
  return `${first} … ${last} (seed ${accounts.seed})${of}`;
}
