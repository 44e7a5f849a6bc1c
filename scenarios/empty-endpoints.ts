import { defineScenario } from '../harness/scenario/define.ts';

// Monzo (seeds 000, 003) and Zalando (seed 004): an etcd rolling update leaves the apiserver timing out; the
// kubelets cannot report their pods' status, the endpoints controller takes the ledger's healthy pods out of
// its endpoints, and for a few seconds the ledger is served with no endpoint at all: `subsets: []` first,
// later `subsets: null` (what Kubernetes 1.6+ served for a service with no ready pod, and what linkerd 1.x
// could not parse). The pods never stopped serving. A mesh client that bridges empty endpoints with the last
// ones it knew (last-known-good) and reads null as empty rides it out; one that believes an empty list at
// once routes nowhere, and one that cannot parse the null loses every service until the null is gone.
export default defineScenario({
  name: 'empty-endpoints',
  description: 'The ledger is served with no endpoints for a few seconds, twice (subsets: [] then null), while its pods keep serving',
  story: 'seeds/000 and 003 (Monzo: apiserver timeouts after an etcd rolling update; the null no one could parse), seeds/004 (Zalando: kubelet slow to report pod status)',
  seed: 9,
  topology: { router: 'hardened' },
  traffic: { model: 'open', rate: 200, duration_s: 40 },
  faults: [
    { name: 'ledger-endpoints-empty', fault: 'discovery.empty_subsets', target: 'ledger', start_s: 10, end_s: 14 },
    { name: 'ledger-endpoints-null', fault: 'discovery.null_subsets', target: 'ledger', start_s: 22, end_s: 26 },
  ],
  thresholds: {
    authorization_success_rate: ['rate>0.99'],
    issuer_success_rate: ['rate>0.99'],
  },
  drain_s: 10,
});
