// Who failed an advice still pending at the end: the issuer, when it was asked (an attempt was written, or
// answered 5xx, or the connection was refused); faultline itself, when the advice never left its own
// queue (never attempted before the deadline, or every attempt waited for a connection inside the driver
// until its own timer gave up). Only the second kind is `undelivered` (unknown, not a pipeline failure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthorizationRequest } from '../../../services/card-processor/contract.ts';
import { adviceIdFor, CardNetwork } from '../../../harness/traffic/card-network/card-network.ts';
import type { PlannedRequest } from '../../../harness/traffic/requests/planned-request.ts';
import { closedPort, json, network, nowTiming, startServer, within } from '../helpers.ts';

let n = 0;
function planned(value = 100): PlannedRequest {
  n++;
  const body: AuthorizationRequest = {
    id: `auth-u-${n}`,
    account_id: 'acc-000001',
    card: { token: `tok_u${n}`, last4: '4242' },
    amount: { value, currency: 'GBP' },
    merchant: { name: 'Corner Shop', mcc: '5411', country: 'GB' },
    channel: 'contactless',
  };
  return { kind: 'authorization', offset_ms: 0, body };
}

const STANDIN = { issuer_deadline_ms: 150, advice_retry_ms: 50, standin: { enabled: true, limit_per_card: 10_000 } };

/** Two stand-in approvals (the issuer never answers authorizations), so two advices are owed. */
async function owedTwo(card: CardNetwork): Promise<string[]> {
  const a = await within(5000, card.send(planned(), nowTiming()));
  const b = await within(5000, card.send(planned(), nowTiming()));
  assert.equal(a.outcome, 'standin_approved');
  assert.equal(b.outcome, 'standin_approved');
  return [adviceIdFor(a.id), adviceIdFor(b.id)];
}

test('an issuer that refuses, fails or never answers a written advice failed it: pending, not undelivered', async () => {
  const failing = await startServer((req, res) => {
    if (req.url === '/v1/advices') json(res, 503, { error: 'down' });
  });
  const hanging = await startServer(() => undefined);
  const refused = `http://127.0.0.1:${await closedPort()}`;
  try {
    for (const url of [failing.url, hanging.url, refused]) {
      const card = new CardNetwork({ processorUrls: [url], network: network(STANDIN) });
      try {
        await owedTwo(card);
        const report = await within(10_000, card.deliverAdvices({ deadlineMs: 400 }));
        assert.equal(report.advices.pending, 2, url);
        assert.ok(report.advices.attempts >= 2, `${url}: ${report.advices.attempts} attempts`);
        assert.equal(card.pendingForwards().filter((m) => m.kind === 'advice').length, 2, url);
        assert.deepEqual(card.undeliveredForwards(), [], `${url}: the issuer was asked, and did not accept`);
      } finally {
        await card.close();
      }
    }
  } finally {
    await failing.close();
    await hanging.close();
  }
});

test('an advice never attempted before the deadline is undelivered: faultline never got it out', async () => {
  const hanging = await startServer(() => undefined);
  const card = new CardNetwork({ processorUrls: [hanging.url], network: network(STANDIN) });
  try {
    const ids = await owedTwo(card);
    const report = await within(5000, card.deliverAdvices({ deadlineMs: 0 }));
    assert.equal(report.advices.attempts, 0);
    assert.deepEqual(card.undeliveredForwards().map((m) => m.id).sort(), [...ids].sort());
  } finally {
    await card.close();
    await hanging.close();
  }
});

test("an attempt that waited for one of the driver's own connections until its timer fired never reached the issuer", async () => {
  // One connection to a processor that never answers: the first advice's attempts are written and hang,
  // the others wait in the driver's connection pool, unwritten, until their own timers. Timers started in
  // the same tick can still land a millisecond apart on a loaded machine; then the connection freed by the
  // first timer can carry one waiting advice out before its own timer fires, and that one did reach the
  // issuer. So three wait, and the claim is exact per advice: undelivered means never written.
  const hanging = await startServer(() => undefined);
  const card = new CardNetwork({ processorUrls: [hanging.url], network: network(STANDIN), connections: 1, adviceConcurrency: 4 });
  try {
    const ids = [...(await owedTwo(card)), ...(await owedTwo(card))];
    const report = await within(10_000, card.deliverAdvices({ deadlineMs: 400 }));
    assert.equal(report.advices.pending, 4);
    assert.ok(report.advices.attempts >= 8, `${report.advices.attempts} attempts`);
    const written = new Set(hanging.seen.filter((s) => s.url === '/v1/advices').map((s) => (s.body as { id: string }).id));
    assert.ok(written.has(ids[0] as string), 'the first advice reached the issuer');
    const undelivered = card.undeliveredForwards().map((m) => m.id);
    assert.ok(undelivered.length >= 1, 'at least one advice only ever waited inside the driver');
    for (const id of undelivered) assert.ok(!written.has(id), `${id} is undelivered, yet the issuer saw it`);
    assert.ok(!undelivered.includes(ids[0] as string), 'the advice the issuer saw is pending, not undelivered');
  } finally {
    await card.close();
    await hanging.close();
  }
});
