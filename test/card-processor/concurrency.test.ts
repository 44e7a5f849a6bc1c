// Idempotency under concurrent duplicate requests, over real sockets and real processes: the network
// sends the same authorization many times at once through both processors; it is held exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmbeddedTopology } from '../../harness/topology/embedded.ts';
import { topologySchema } from '../../harness/scenario/schema.ts';
import type { RunningTopology } from '../../harness/topology/types.ts';
import { seedAccounts } from '../../services/common/accounts.ts';
import type { AuthorizationState } from '../../services/ledger/contract.ts';

let topology: RunningTopology;
before(async () => {
  topology = await startEmbeddedTopology(topologySchema.parse({}), { seed: 9 });
});
after(async () => {
  await topology?.stop();
});

test('40 concurrent duplicates of one authorization through two processors hold once and answer alike', async () => {
  const account = seedAccounts(9, 1000).find((a) => a.opening_balance > 50_000) as ReturnType<typeof seedAccounts>[number];
  const body = JSON.stringify({
    id: 'dup-1',
    account_id: account.id,
    card: { token: account.card_token, last4: account.card_last4 },
    amount: { value: 4321, currency: 'GBP' },
    merchant: { name: 'Duplicate Diner', mcc: '5812', country: 'GB' },
    channel: 'pos',
  });
  const urls = topology.urls.processors;
  const answers = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      fetch(`${urls[i % urls.length]}/v1/authorizations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as { decision: string } }),
      ),
    ),
  );
  for (const a of answers) assert.equal(a.status, 200);
  assert.deepEqual(new Set(answers.map((a) => a.body.decision)), new Set(['approved']));
  const state = (await (await fetch(`${topology.urls.ledgerStore}/v1/authorizations/dup-1`)).json()) as AuthorizationState;
  assert.equal(state.holds, 1);
});
