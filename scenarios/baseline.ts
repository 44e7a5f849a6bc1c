import { defineScenario } from '../harness/scenario/define.ts';

// No faults: the reference every other scenario is compared with, and the nightly gate's anchor.
export default defineScenario({
  name: 'baseline',
  description: 'Steady payment traffic with no faults: the reference numbers',
  story: 'reference run (no seed story)',
  seed: 1,
  topology: { router: 'hardened' },
  traffic: { model: 'open', rate: 200, duration_s: 30 },
  thresholds: {
    authorization_success_rate: ['rate>0.999'],
    authorization_latency: ['p(99)<500'],
    app_success_rate: ['rate>0.999'],
  },
  drain_s: 10,
});
