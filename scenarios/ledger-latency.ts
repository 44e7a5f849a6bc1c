import { defineScenario } from '../harness/scenario/define.ts';

// Adevinta (seed 004): an upstream ten times slower than it should be (20 ms -> 200 ms) through added
// network latency. Here the processor-to-ledger hop gets latency with jitter.
export default defineScenario({
  name: 'ledger-latency',
  description: 'Latency and jitter on every ledger replica: deadlines, retries and stand-in under a slow hop',
  story: 'seeds/004 (Adevinta: upstream latency ten times higher on Kubernetes)',
  seed: 4,
  topology: { router: 'hardened' },
  traffic: { model: 'open', rate: 200, duration_s: 40 },
  faults: [
    { name: 'ledger-latency', fault: 'network.latency', target: 'ledger', start_s: 10, end_s: 30, params: { latency: 300, jitter: 100 } },
  ],
  thresholds: {
    authorization_success_rate: ['rate>0.99'],
    'authorization_latency{phase:during}': ['p(99)<2100'],
    'recovery_seconds{fault:ledger-latency}': ['value<10'],
  },
  drain_s: 10,
});
