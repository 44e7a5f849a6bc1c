import { defineScenario } from '../harness/scenario/define.ts';

// Moonlight (seed 002): the Redis every authenticated request needed became unreachable, and every request
// failed until it came back. Here the ledger's store fails over twice: for 4 s each time every ledger replica
// answers 503. Nothing can succeed at the issuer then (stand-in answers), and retrying cannot help: the one
// thing a mesh client must not do is multiply the load on the failing ledger. A retry budget keeps retries
// to a fraction of requests; without it every failed hold is tried three times.
export default defineScenario({
  name: 'ledger-outage',
  description: 'Every ledger replica answers 503 for 4 s, twice (its store fails over): retries must not multiply the load',
  story: 'seeds/002 (Moonlight: the store every request needed was unreachable, and every request failed)',
  seed: 12,
  topology: { router: 'hardened' },
  traffic: { model: 'open', rate: 200, duration_s: 40 },
  faults: [
    { name: 'store-failover', fault: 'http.abort', target: 'ledger', start_s: 12, end_s: 16, params: { percent: 100, status: 503 } },
    { name: 'store-failover-again', fault: 'http.abort', target: 'ledger', start_s: 26, end_s: 30, params: { percent: 100, status: 503 } },
  ],
  thresholds: {
    authorization_success_rate: ['rate>0.99'],
    retry_amplification: ['value<1.25'],
  },
  drain_s: 10,
});
