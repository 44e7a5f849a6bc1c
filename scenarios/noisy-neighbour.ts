import { defineScenario } from '../harness/scenario/define.ts';

// Moonlight (seed 002): the scheduler put CPU-hungry pods on the same node; the replicas starved together
// and the "three replicas survive two node failures" assumption failed. Both ledger replicas are starved
// at once by a SIGSTOP/SIGCONT duty cycle.
export default defineScenario({
  name: 'noisy-neighbour',
  description: 'Co-located ledger replicas starved of CPU together (70% of the time stopped)',
  story: 'seeds/002 (Moonlight: high-CPU pods scheduled onto the same node)',
  seed: 7,
  topology: { router: 'hardened' },
  traffic: { model: 'open', rate: 200, duration_s: 40 },
  faults: [{ name: 'cpu-starvation', fault: 'process.starve', target: 'ledger', start_s: 10, end_s: 30, params: { duty: 0.7, period_ms: 100 } }],
  thresholds: {
    authorization_success_rate: ['rate>0.99'],
  },
  drain_s: 10,
});
