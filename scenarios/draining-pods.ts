import { defineScenario } from '../harness/scenario/define.ts';

// Ravelin (seed 004): in a rolling deploy the ledger pods got SIGTERM long before the endpoint change reached
// the load balancer, which kept sending them new requests: "the client receives 500 errors after another".
// Here each ledger pod, told to stop, answers 503 to everything for 3 s while it is still in discovery (one
// pod at a time). Only a retry on another endpoint hides it: a 503 is an answer, so nothing is ejected and
// discovery says nothing until the pod is gone.
export default defineScenario({
  name: 'draining-pods',
  description: 'Rolling deploy of the ledger where each pod answers 503 for 3 s while it drains, still in discovery',
  story: 'seeds/004 (Ravelin: pods shutting down kept receiving requests and answered 500s)',
  seed: 10,
  topology: { router: 'hardened' },
  traffic: { model: 'open', rate: 200, duration_s: 40 },
  faults: [
    { name: 'ledger-1-drains', fault: 'http.abort', target: 'ledger-1', start_s: 10, end_s: 13, params: { percent: 100, status: 503 } },
    { name: 'ledger-2-drains', fault: 'http.abort', target: 'ledger-2', start_s: 20, end_s: 23, params: { percent: 100, status: 503 } },
    { name: 'ledger-1-drains-again', fault: 'http.abort', target: 'ledger-1', start_s: 30, end_s: 33, params: { percent: 100, status: 503 } },
  ],
  thresholds: {
    authorization_success_rate: ['rate>0.99'],
    issuer_success_rate: ['rate>0.99'],
  },
  drain_s: 10,
});
