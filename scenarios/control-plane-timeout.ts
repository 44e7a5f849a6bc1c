import { defineScenario } from '../harness/scenario/define.ts';

// Zalando (seed 004) and Monzo (seed 003): the Kubernetes API stops answering (a slow kubelet, apiserver
// timeouts) while a ledger pod moves. The mesh must live on what it last knew and eject the dead address.
export default defineScenario({
  name: 'control-plane-timeout',
  description: 'The discovery API hangs while a ledger pod moves to a new address',
  story: 'seeds/004 (Zalando: kubelet slow to update pod status), seeds/003 (apiserver timeouts)',
  seed: 8,
  topology: { router: 'hardened' },
  traffic: { model: 'open', rate: 200, duration_s: 40 },
  faults: [
    { name: 'api-hang', fault: 'discovery.hang_api', target: 'discovery', start_s: 10, end_s: 30 },
    { name: 'ledger-1-moves', fault: 'process.restart_new_port', target: 'ledger-1', start_s: 15, end_s: 30 },
  ],
  thresholds: {
    authorization_success_rate: ['rate>0.99'],
  },
  drain_s: 10,
});
