// The ledger contract's "one hold per authorization" rule: an authorization released in full is never held
// again (409 one_hold_per_authorization). The correct store passes it; a ledger that answers such a hold
// `held` (what the mock did before issue 19) fails it, with the offending exchange shown.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rulesCheck } from '../../harness/contract/checks/rules.ts';
import { checkUrl, json, startBrokenService, startMockLedgerStore, type Defect, type Running } from './support.ts';

const SUBJECT = 'an authorization released in full is never held again';

let store: Running;
before(async () => {
  store = await startMockLedgerStore();
});
after(async () => {
  await store.close();
});

async function rule(defect: Defect) {
  const broken = await startBrokenService(store.url, defect);
  try {
    const results = await checkUrl('ledger-store', broken.url, [rulesCheck]);
    const row = results.find((r) => r.family === 'rules' && r.subject === SUBJECT);
    assert.ok(row, results.map((r) => `${r.verdict} ${r.subject}`).join('\n'));
    return row;
  } finally {
    await broken.close();
  }
}

describe('ledger contract: one hold per authorization', () => {
  it('the correct store passes it', async () => {
    const row = await rule(async () => null);
    assert.equal(row.verdict, 'pass', row.detail);
  });

  it('a ledger that holds a released authorization again fails it, showing the request', async () => {
    const defect: Defect = async (req, forward) => {
      const answer = await forward();
      if (req.path !== '/v1/holds' || json(answer.body)?.code !== 'one_hold_per_authorization') return answer;
      const asked = json(req.body) ?? {};
      const held = { request_id: asked.request_id, authorization_id: asked.authorization_id, result: 'held', account: null, replayed: false };
      return { ...answer, status: 200, body: JSON.stringify(held) };
    };
    const row = await rule(defect);
    assert.equal(row.verdict, 'fail');
    assert.match(row.detail, /a new hold \(another request_id\) for the authorization released in full: answered 200, expected 409/);
    assert.match(row.failure?.exchange?.request.body ?? '', /"authorization_id"/);
  });
});
