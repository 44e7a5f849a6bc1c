import { defineScenario } from '../harness/scenario/define.ts';

// Moonlight (seed 002): before the outage, the network between the API and its database lost packets, and
// requests that should take milliseconds hung for seconds; Monzo (seed 003): requests timing out while the
// platform looked up. Here one ledger hold in ten stalls for 3 s, on every replica alike (no replica is the
// bad one, so balancing and ejection cannot steer around it). A client that bounds each attempt well inside
// the call's deadline gives up on the stalled one and tries another replica in time; one that lets a single
// attempt run to the deadline loses every stalled call.
export default defineScenario({
  name: 'stalled-requests',
  description: 'One ledger hold in ten stalls for 3 s, on every replica: only a per-attempt timeout leaves time to try again',
  story: 'seeds/002 (Moonlight: packet loss made requests hang), seeds/003 (Monzo: requests timing out)',
  seed: 11,
  topology: { router: 'hardened' },
  traffic: { model: 'open', rate: 200, duration_s: 40 },
  faults: [{ name: 'stalled-holds', fault: 'http.delay', target: 'ledger', start_s: 10, end_s: 30, params: { percent: 10, delay_ms: 3000, routes: ['/v1/holds'] } }],
  thresholds: {
    authorization_success_rate: ['rate>0.99'],
    issuer_success_rate: ['rate>0.98'],
  },
  drain_s: 10,
});
