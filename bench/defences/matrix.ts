// Which catalog scenario must fail its gate when one defence of the hardened router alone is switched off,
// and what should move. `npm run defences` runs it (bench/defences/run.ts); the README's defence × scenario
// table is what it prints. Every defence has at least one scenario; a scenario listed here is in the catalog.
import type { DefenceName } from '../../services/router/defences.ts';

export interface MatrixCell {
  scenario: string;
  /** What should break, in words, for the table. */
  expect: string;
}

export const DEFENCE_MATRIX: Readonly<Record<DefenceName, readonly MatrixCell[]>> = {
  ejection: [
    { scenario: 'stale-discovery', expect: 'between re-lists the moved pods\' dead addresses stay in rotation: refusals, retries, failures' },
    { scenario: 'rolling-deploy-sigterm', expect: 'a terminated pod\'s address stays in rotation until it leaves discovery: refusals and retries' },
  ],
  last_known_good: [{ scenario: 'empty-endpoints', expect: 'no ledger endpoint while discovery serves none: issuer success falls, stand-in takes over' }],
  retry_budget: [{ scenario: 'ledger-outage', expect: 'every failed hold tried three times against a failing ledger: retry amplification' }],
  attempt_timeout: [{ scenario: 'stalled-requests', expect: 'a stalled hold runs to the call deadline instead of being retried: issuer success falls' }],
  watch_idle_timeout: [{ scenario: 'stale-discovery', expect: 'the stalled watch is never noticed: the moved ledger pods are never found' }],
  retries: [{ scenario: 'draining-pods', expect: 'a draining pod\'s 503 is the answer: issuer success falls' }],
  lenient_parsing: [
    { scenario: 'empty-endpoints', expect: 'the ledger\'s subsets: null poisons resolution: every service routes nowhere' },
    { scenario: 'monzo-2017', expect: 'the scaled-to-zero service\'s null poisons resolution: every service routes nowhere' },
  ],
};
