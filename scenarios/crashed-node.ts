import { defineScenario } from '../harness/scenario/define.ts';

// Moonlight (seed 002): nodes at 100% load hit kernel panics and crashed. A pod on a crashed node is gone at
// once, but nothing tells the apiserver so: its endpoint stays listed until the node controller gives up on
// the node (40 s by default) and marks it not ready. Here ledger-1 dies (SIGKILL) and stays in discovery for
// 20 s until it is back. A mesh client that ejects an endpoint after a few connection failures stops sending
// to it within a second; one that keeps it in rotation sends every other hold to a dead address, and its
// retries (within their budget) cannot cover them all.
export default defineScenario({
  name: 'crashed-node',
  description: 'A ledger pod dies with its node and stays in discovery for 20 s: only ejection stops traffic going to it',
  story: 'seeds/002 (Moonlight: nodes at 100% load crashed; their pods stayed listed until the node controller noticed)',
  seed: 13,
  topology: { router: 'hardened' },
  traffic: { model: 'open', rate: 200, duration_s: 40 },
  faults: [{ name: 'ledger-1-node-crash', fault: 'process.kill', target: 'ledger-1', start_s: 10, end_s: 30 }],
  thresholds: {
    authorization_success_rate: ['rate>0.99'],
    issuer_success_rate: ['rate>0.99'],
  },
  drain_s: 10,
});
