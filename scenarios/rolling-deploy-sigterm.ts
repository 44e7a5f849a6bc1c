import { defineScenario } from '../harness/scenario/define.ts';

// Ravelin (seed 004): pods got SIGTERM before the endpoint change reached the load balancer, which kept
// sending new connections to pods that had stopped listening.
export default defineScenario({
  name: 'rolling-deploy-sigterm',
  description: 'Rolling deploy of the ledger where pods get SIGTERM before they leave discovery',
  story: 'seeds/004 (Ravelin: SIGTERM before the endpoint is removed from the ingress)',
  seed: 6,
  topology: { router: 'hardened' },
  traffic: { model: 'open', rate: 200, duration_s: 40 },
  faults: [
    {
      name: 'rolling-deploy',
      fault: 'process.term',
      target: 'ledger',
      start_s: 10,
      end_s: 30,
      params: { deregister_first: false, replace_after_ms: 1500, interval_ms: 3000 },
    },
  ],
  thresholds: {
    authorization_success_rate: ['rate>0.99'],
  },
  drain_s: 10,
});
