// The deliberate defect `idempotency_by_id_only` (StartTopologyOptions.defects['card-processor'].idempotency_by_id_only), on the
// real pipeline: a reused id with other content is answered from the replica's first answer, as the
// processor did before keys were judged by content, so the idempotency checker has something real to catch.
// It still never holds twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmbeddedTopology } from '../../harness/topology/embedded.ts';
import { topologySchema } from '../../harness/scenario/schema.ts';
import type { RunningTopology } from '../../harness/topology/types.ts';
import { seedAccounts } from '../../services/common/accounts.ts';
import type { AuthorizationState } from '../../services/ledger/contract.ts';
import type { AuthorizationRequest, AuthorizationResponse } from '../../services/card-processor/contract.ts';

const SEED = 17;
let topology: RunningTopology;

before(async () => {
  topology = await startEmbeddedTopology(topologySchema.parse({ accounts: 50 }), { seed: SEED, defects: { 'card-processor': { idempotency_by_id_only: true } } });
});
after(async () => {
  await topology?.stop();
});

async function authorize(url: string, body: AuthorizationRequest): Promise<{ status: number; body: AuthorizationResponse }> {
  const res = await fetch(`${url}/v1/authorizations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: (await res.json()) as AuthorizationResponse };
}

test('with the defect a reused id with another amount and merchant is answered from the first answer', async () => {
  const account = seedAccounts(SEED, 50).find((a) => a.opening_balance > 20_000)!;
  const first: AuthorizationRequest = {
    id: 'defect-1',
    account_id: account.id,
    card: { token: account.card_token, last4: account.card_last4 },
    amount: { value: 1_000, currency: 'GBP' },
    merchant: { name: 'Corner Shop', mcc: '5411', country: 'GB' },
    channel: 'pos',
  };
  const url = topology.urls.processors[0]!;
  const answer = await authorize(url, first);
  assert.deepEqual([answer.status, answer.body.decision], [200, 'approved']);
  const reused = await authorize(url, { ...first, amount: { value: 99_999, currency: 'GBP' }, merchant: { name: 'Elsewhere', mcc: '5812', country: 'GB' } });
  assert.equal(reused.status, 200, 'the defect does not refuse a reuse with other content');
  assert.deepEqual([reused.body.decision, reused.body.replayed, reused.body.amount.value], ['approved', true, 1_000]);
  const state = (await (await fetch(`${topology.urls.ledgerStore}/v1/authorizations/defect-1`, { signal: AbortSignal.timeout(5_000) })).json()) as AuthorizationState;
  assert.equal(state.holds, 1);
});
