// The closed model: virtual users send, wait for the card network's outcome, and send the next. Every
// answer is classified like the open model's (declines are declines, a timeout is counted once, stand-in
// answers 5xx) and becomes one history record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seedAccounts } from '../../../services/common/accounts.ts';
import type { AuthorizationRequest } from '../../../services/card-processor/contract.ts';
import { CardNetwork } from '../../../harness/traffic/card-network/card-network.ts';
import { runClosedLoop } from '../../../harness/traffic/load/closed-loop.ts';
import { authorizationStream } from '../../../harness/traffic/requests/generator.ts';
import type { PlannedRequest } from '../../../harness/traffic/requests/planned-request.ts';
import type { HistoryRecord } from '../../../harness/history/record.ts';
import { decision, json, network, startServer, traffic, within } from '../helpers.ts';

const accounts = seedAccounts(5, 200);

function stream(seed: number): Iterator<PlannedRequest> {
  const bodies = authorizationStream({ seed, traffic: traffic(), accounts, idPrefix: 'cap' });
  return { next: () => ({ done: false, value: { kind: 'authorization', offset_ms: 0, body: bodies.next().value } }) };
}

test('each answer is classified and recorded once: approved, declined, stand-in for 5xx, unknown for a timeout', async () => {
  const server = await startServer((req, res) => {
    const b = req.body as AuthorizationRequest;
    const n = Number(b.id.split('-').pop());
    if (n % 10 === 3) return json(res, 200, decision(b, 'declined'));
    if (n % 10 === 5) return json(res, 503, { error: 'down' });
    if (n % 10 === 7) return; // never answered: the network's deadline ends it
    json(res, 200, decision(b));
  });
  const records: HistoryRecord[] = [];
  const cardNetwork = new CardNetwork({
    processorUrls: [server.url],
    network: network({ issuer_deadline_ms: 300, standin: { enabled: false, limit_per_card: 10_000 } }),
    onRecord: (r) => records.push(r),
  });
  try {
    const startAt = performance.now() + 400; // a 400 ms warm-up before t = 0
    const result = await within(
      20_000,
      runClosedLoop({ requests: stream(5), send: (req, timing) => cardNetwork.send(req, timing), connections: 4, startAt, fromMs: -400, untilMs: 1200 }),
    );
    const auths = records.filter((r) => r.kind === 'authorization');
    assert.equal(auths.length, result.sent + result.warmup_sent, 'one record per request sent');
    assert.equal(new Set(auths.map((r) => r.id)).size, auths.length, 'no request recorded twice');
    assert.ok(result.warmup_sent > 0 && result.sent > 0);
    assert.equal(auths.filter((r) => r.intended_ms < 0).length, result.warmup_sent, 'warm-up sends have t < 0');
    const byOutcome = (o: string): HistoryRecord[] => auths.filter((r) => r.outcome === o);
    for (const r of auths) {
      const n = Number(r.id.split('-').pop());
      const expected = n % 10 === 3 ? 'declined' : n % 10 === 5 ? 'failed' : n % 10 === 7 ? 'unknown' : 'approved';
      assert.equal(r.outcome, expected, `${r.id}`);
    }
    assert.ok(byOutcome('declined').length > 0 && byOutcome('unknown').length > 0 && byOutcome('failed').length > 0);
    assert.ok(byOutcome('unknown').every((r) => r.latency_ms >= 290), 'a timeout is recorded once, at the deadline');
    assert.ok(auths.every((r) => r.late === false && r.sent_ms === r.intended_ms), 'no schedule, so nothing is late');
    assert.ok(result.achieved_rate > 0);
  } finally {
    await cardNetwork.close();
    await server.close();
  }
});

test('the closed loop stops at its end and on the signal, with every in-flight request settled', async () => {
  const server = await startServer((req, res) => {
    setTimeout(() => json(res, 200, decision(req.body)), 20);
  });
  const records: HistoryRecord[] = [];
  const cardNetwork = new CardNetwork({ processorUrls: [server.url], network: network(), onRecord: (r) => records.push(r) });
  try {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const t0 = performance.now();
    const result = await within(
      20_000,
      runClosedLoop({ requests: stream(6), send: (req, timing) => cardNetwork.send(req, timing), connections: 3, startAt: performance.now(), fromMs: 0, untilMs: 30_000, signal: controller.signal }),
    );
    assert.equal(result.aborted, true);
    assert.ok(performance.now() - t0 < 10_000, 'stopped on the signal, long before its end');
    assert.equal(records.length, result.sent, 'every request sent was settled and recorded');
  } finally {
    await cardNetwork.close();
    await server.close();
  }
});
