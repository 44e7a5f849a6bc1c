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
  // stale-discovery and rolling-deploy-sigterm were tried first: with ejection off both still passed on a
  // quiet machine (retries x1.03 and x1.0015, inside their bands): their dead addresses leave rotation within
  // a second or two by re-list or deregistration, so ejection barely matters there. A crashed node's pod
  // stays listed for as long as the fault lasts.
  ejection: [{ scenario: 'crashed-node', expect: 'the dead pod stays in rotation: every other hold goes to it, retries cannot cover them all' }],
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
