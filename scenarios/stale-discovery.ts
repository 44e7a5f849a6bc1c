import { defineScenario } from '../harness/scenario/define.ts';

// The first half of the Monzo story on its own (seed 003): the discovery watch stalls, so the mesh never
// hears that the ledger pods moved, and routes to dead addresses.
export default defineScenario({
  name: 'stale-discovery',
  description: 'The discovery watch stalls while the ledger pods move to new addresses',
  story: 'seeds/003 (Monzo post-mortem: linkerd did not receive endpoint updates)',
  seed: 3,
  topology: { router: 'hardened' },
  traffic: { model: 'open', rate: 200, duration_s: 45 },
  faults: [
    { name: 'watch-stall', fault: 'discovery.stall_watch', target: 'discovery', start_s: 10, end_s: 35 },
    { name: 'ledger-moves', fault: 'process.restart_new_port', target: 'ledger', start_s: 15, end_s: 35, params: { interval_ms: 2000 } },
  ],
  thresholds: {
    authorization_success_rate: ['rate>0.98'],
    'recovery_seconds{fault:watch-stall}': ['value<10'],
  },
  // Measured: on unchanged code, some runs catch a moved pod before the hardened router ejects it (1 run
  // in 4: issuer success 98.6% instead of 100%, retries x1.014 instead of x1.001; stand-in covered every
  // one). Those bands are this scenario's own; the customer-visible success rate keeps the default.
  baseline_tolerances: {
    issuer_success_rate: { abs: 0.02 },
    retry_amplification: { abs: 0.02 },
  },
  drain_s: 10,
});
