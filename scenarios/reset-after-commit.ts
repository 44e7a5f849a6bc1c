import { defineScenario } from '../harness/scenario/define.ts';

// The ledger commits the hold, then the connection resets before the answer arrives (seed 003's
// "requests timing out" and every retry storm since): only idempotency keeps a retry from holding twice.
// 1% of authorizations are also resent under the same id with other content (a buggy client, a replaying
// network): each must be refused (409), never answered from the first request.
export default defineScenario({
  name: 'reset-after-commit',
  description: 'The ledger commits then the connection resets: idempotency under retries',
  story: 'seeds/003 (timeouts after commit during the Monzo outage); the Jepsen bank test',
  seed: 5,
  topology: { router: 'hardened' },
  traffic: { model: 'open', rate: 200, duration_s: 40, conflicting_retries: 0.01 },
  faults: [
    { name: 'reset-after-commit', fault: 'http.fail_after_commit', target: 'ledger', start_s: 10, end_s: 30, params: { percent: 20, routes: ['/v1/holds'] } },
  ],
  thresholds: {
    authorization_success_rate: ['rate>0.99'],
  },
  drain_s: 10,
});
