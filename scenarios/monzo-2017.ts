import { defineScenario } from '../harness/scenario/define.ts';

// Monzo, 27 Oct 2017 (seeds 000, 001, 003): after an etcd change, Kubernetes watches stopped delivering
// updates; a service scaled to zero served `subsets: null`; the ledger was redeployed (pods moved) and
// linkerd kept routing to the dead pods; restarting every linkerd made them re-read discovery, crash on
// the null subsets and take every service down. The default is today's answer (a hardened mesh client
// and card-network stand-in); `--router naive --no-standin` replays 2017. `faultline suite demo` runs both.
export default defineScenario({
  name: 'monzo-2017',
  description: 'Stalled discovery watch, a scaled-to-zero service with null endpoints, ledger pods move, the mesh restarts',
  story: 'seeds/001 (Monzo talk: Anatomy of a Production Kubernetes Outage), seeds/003 (Monzo post-mortem), seeds/000',
  seed: 2017,
  topology: { router: 'hardened', scaled_to_zero: ['current-account'] },
  traffic: { model: 'open', rate: 200, duration_s: 80 },
  faults: [
    { name: 'etcd-watch-stall', fault: 'discovery.stall_watch', target: 'discovery', start_s: 10, end_s: 60 },
    { name: 'null-endpoints', fault: 'discovery.null_subsets', target: 'current-account', start_s: 10, end_s: 60 },
    { name: 'ledger-pods-move', fault: 'process.restart_new_port', target: 'ledger', start_s: 20, end_s: 60, params: { interval_ms: 5000 } },
    { name: 'mesh-restart', fault: 'router.restart', target: 'card-processor', start_s: 35, end_s: 60 },
  ],
  thresholds: {
    authorization_success_rate: ['rate>0.98'],
    'authorization_success_rate{phase:after}': ['rate>0.99'],
  },
  drain_s: 15,
});
