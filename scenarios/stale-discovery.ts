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
  // Measured on unchanged code: the outcome depends on where the hardened router's re-list cycle (3 s
  // without an event or bookmark) falls against the second pod move at 17 s. When no re-list came between
  // the two moves, both ledger addresses it knows are dead for about a second and the issuer is bypassed
  // (stand-in covers every one): issuer success 98.6% and 97.5% (a ~1.2 s dip at t = 17-18 s), retries
  // x1.014 and x1.025, in 2 of 7 runs; 100% and x1.001 in the others. So this scenario's issuer rate and
  // retries are bimodal, and their bands are its own, sized above the worst seen; the customer-visible
  // success rate keeps the default band. The same dip sets the p99 of the fault windows: the requests that
  // met a dead address wait out the router's attempt timeout (baseline 17 ms; in dips 114, 128, 255 and
  // 280 ms, two runs on 2026-12-07), so those two slices get 500 ms; the slices before and after the faults,
  // and every p50, keep the default bands, and still catch a slower pipeline.
  baseline_tolerances: {
    issuer_success_rate: { abs: 0.04 },
    retry_amplification: { abs: 0.04 },
    'authorization_latency_p99{phase:during,fault:watch-stall}': { abs: 500 },
    'authorization_latency_p99{phase:during,fault:ledger-moves}': { abs: 500 },
  },
  drain_s: 10,
});
