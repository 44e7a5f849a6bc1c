// The accounts and read-back checks against small, deliberately broken services of our own (node:http in front
// of faultline's mocks, in this process): a store that acknowledges a write it never makes, one that makes a
// write it said it refused, one whose balances, authorizations or opening balances disagree with its journal or
// the published seed data, two replicas that read different journals, a feed that drops events, a processor
// that ignores cards or approves without holding. Each fails the row that should catch it, with the write and the
// read shown; the correct mocks pass (and the same defects are invisible to the answer-by-answer checks).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seedAccounts } from '../../services/common/accounts.ts';
import { adminCheck } from '../../harness/contract/checks/admin.ts';
import { contractPassed } from '../../harness/contract/checks/index.ts';
import { idempotencyCheck } from '../../harness/contract/checks/idempotency.ts';
import { ledgerObserver } from '../../harness/contract/checks/observer.ts';
import { accountsCheck } from '../../harness/contract/checks/opening.ts';
import { readBackCheck } from '../../harness/contract/checks/read-back.ts';
import { formatFailures } from '../../harness/contract/checks/report.ts';
import { routesCheck } from '../../harness/contract/checks/routes.ts';
import { answered, type CheckResult } from '../../harness/contract/checks/types.ts';
import { checkUrl, json, startBrokenService, startMockFeed, startMockLedgerStore, startMockPipeline, type Defect, type MockPipeline, type Running } from './support.ts';

let store: Running;
before(async () => {
  store = await startMockLedgerStore();
});
after(async () => {
  await store.close();
});

async function withBroken<T>(upstream: string, defect: Defect, body: (url: string) => Promise<T>): Promise<T> {
  const broken = await startBrokenService(upstream, defect);
  try {
    return await body(broken.url);
  } finally {
    await broken.close();
  }
}

const show = (results: CheckResult[]): string => results.map((r) => `${r.verdict} ${r.family} ${r.subject}: ${r.detail}`).join('\n');

function row(results: CheckResult[], family: string, subject: string, verdict: CheckResult['verdict'] = 'fail'): CheckResult {
  const found = results.find((r) => r.family === family && r.subject === subject);
  assert.ok(found, `a ${family} row "${subject}" among:\n${show(results)}`);
  assert.equal(found.verdict, verdict, `${family} ${subject}: ${found.detail}\n${show(results)}`);
  return found;
}

/** The account as the store has it now (a defect makes up answers from it). */
async function accountOf(base: string, id: string): Promise<Record<string, unknown> | undefined> {
  const res = await fetch(`${base}/v1/accounts/${encodeURIComponent(id)}`);
  return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
}

/** Answers `held` without writing every `every`-th hold (when the store would have held it). */
function loseHolds(upstream: string, every: number): Defect {
  let holds = 0;
  return async (req) => {
    if (req.method !== 'POST' || req.path !== '/v1/holds') return null;
    const body = json(req.body) as { request_id: string; authorization_id: string; account_id: string; amount: { value: number; currency: string } } | undefined;
    if (!body?.amount || ++holds % every !== 0) return null;
    const account = await accountOf(upstream, body.account_id);
    if (!account || account.currency !== body.amount.currency || (account.available as number) < body.amount.value) return null;
    const view = { ...account, available: (account.available as number) - body.amount.value, holds: (account.holds as number) + body.amount.value, version: (account.version as number) + 1 };
    return { status: 200, body: JSON.stringify({ request_id: body.request_id, authorization_id: body.authorization_id, result: 'held', account: view, replayed: false }) };
  };
}

describe('the read-back catches writes that are not what their answers say', () => {
  it('the correct store passes accounts and read-back, reading back every write of the run', async () => {
    const results = await checkUrl('ledger-store', store.url, [accountsCheck, routesCheck, idempotencyCheck, readBackCheck], 5);
    assert.ok(contractPassed(results), show(results));
    assert.match(row(results, 'read-back', 'every write is in the journal, once', 'pass').detail, /^\d{3} writes each have their one entry .*, \d+ answered as writing nothing have none/);
    assert.match(row(results, 'read-back', 'a burst of holds, each released', 'pass').detail, /^200 holds /);
  });

  it('a store that acknowledges 1 hold in 200 and never writes it fails, at the default --cases, with the hold and the read shown', async () => {
    await withBroken(store.url, loseHolds(store.url, 200), async (url) => {
      // The answer-by-answer checks see nothing wrong.
      const blind = await checkUrl('ledger-store', url, [routesCheck, idempotencyCheck], 5);
      assert.ok(contractPassed(blind), show(blind));
      const results = await checkUrl('ledger-store', url, [accountsCheck, readBackCheck], 100);
      const burst = row(results, 'read-back', 'a burst of holds, each released');
      assert.match(burst.detail, /^lost write: the hold of \d for ct1-\w+-rb-auth\d+ on acc-\d{6} was answered held, but its release finds nothing_to_reverse/);
      const failure = burst.failure;
      assert.ok(failure?.exchange && answered(failure.exchange.response));
      assert.match(failure.exchange.request.path, /^\/v1\/authorizations\/ct1-/);
      assert.match(failure.exchange.response.body, /"holds":0/);
      assert.equal(failure.context?.[0]?.request.path, '/v1/holds');
      const shown = formatFailures([burst]).join('\n');
      assert.match(shown, /before it:\n {4}POST \/v1\/holds .*→ 200 .*"result":"held"/);
      assert.match(shown, /request {3}GET \/v1\/authorizations\/ct1-.*\n {2}response {2}200 .*\n.*"holds":0,.*"held":false/);
      assert.match(row(results, 'read-back', 'every write is in the journal, once').detail, /^lost write: POST \/v1\/holds request_id ct1-\w+-rb-hold\d+ was answered result: "held"/);
    });
  });

  it('a lost posting among the generated requests fails the journal row, not the burst', async () => {
    let lost = false;
    const defect: Defect = async (req) => {
      if (lost || req.method !== 'POST' || req.path !== '/v1/postings') return null;
      const body = json(req.body) as { request_id: string; authorization_id: string; account_id: string; amount: { value: number; currency: string } } | undefined;
      const account = body?.amount ? await accountOf(store.url, body.account_id) : undefined;
      if (!body || !account || account.currency !== body.amount.currency) return null;
      lost = true;
      const view = { ...account, available: (account.available as number) - body.amount.value, version: (account.version as number) + 1 };
      return { status: 200, body: JSON.stringify({ request_id: body.request_id, authorization_id: body.authorization_id, result: 'posted', amount: body.amount, account: view, replayed: false }) };
    };
    await withBroken(store.url, defect, async (url) => {
      const results = await checkUrl('ledger-store', url, [accountsCheck, routesCheck, readBackCheck], 5);
      assert.ok(lost, 'the defect lost a posting');
      row(results, 'routes', 'POST /v1/postings', 'pass');
      row(results, 'read-back', 'a burst of holds, each released', 'pass');
      const failed = row(results, 'read-back', 'every write is in the journal, once');
      assert.match(failed.detail, /^lost write: POST \/v1\/postings request_id \S+ was answered result: "posted".*but the journal has no entry for it/);
      assert.equal(failed.failure?.context?.[0]?.request.path, '/v1/postings');
    });
  });

  it('a phantom write: a hold written but answered insufficient_funds fails the journal row', async () => {
    let held = 0;
    const defect: Defect = async (req, forward) => {
      if (req.method !== 'POST' || req.path !== '/v1/holds') return null;
      const answer = await forward();
      const body = json(answer.body);
      if (answer.status !== 200 || body?.result !== 'held' || body.replayed !== false || ++held !== 2) return answer;
      return { status: 200, body: JSON.stringify({ ...body, result: 'insufficient_funds' }) };
    };
    await withBroken(store.url, defect, async (url) => {
      const results = await checkUrl('ledger-store', url, [accountsCheck, routesCheck, readBackCheck], 5);
      assert.ok(held >= 2, 'the defect answered a hold it made insufficient_funds');
      assert.match(row(results, 'read-back', 'every write is in the journal, once').detail, /^phantom write: POST \/v1\/holds request_id \S+ was answered result: "insufficient_funds".*\(nothing written\), but the journal has a hold of \d+ on acc-\d{6} for it/);
    });
  });

  it('authorizations that disagree with the journal fail their row', async () => {
    const defect: Defect = async (req, forward) => {
      if (req.method !== 'GET' || !req.path.startsWith('/v1/authorizations/')) return null;
      const answer = await forward();
      const body = json(answer.body);
      return body && (body.releases as number) > 0 ? { status: 200, body: JSON.stringify({ ...body, releases: 0 }) } : answer;
    };
    await withBroken(store.url, defect, async (url) => {
      const results = await checkUrl('ledger-store', url, [accountsCheck, readBackCheck], 1);
      row(results, 'read-back', 'every write is in the journal, once', 'pass');
      assert.match(row(results, 'read-back', 'authorizations are the journal').detail, /^authorization \S+ reads releases: 0; its journal entries say releases: 1/);
    });
  });

  it('balances that disagree with the journal fail: at the start (accounts) and after the writes (read-back)', async () => {
    let written = false;
    const defect: Defect = async (req, forward) => {
      if (req.method === 'POST') written = true;
      if (req.method !== 'GET' || req.path !== '/v1/accounts/acc-000004' || (!written && req.path !== '/v1/accounts/acc-000004')) return null;
      const answer = await forward();
      const body = json(answer.body);
      if (!body || !written) return answer;
      return { status: 200, body: JSON.stringify({ ...body, available: (body.available as number) + 5, balance: (body.balance as number) + 5 }) };
    };
    await withBroken(store.url, defect, async (url) => {
      const results = await checkUrl('ledger-store', url, [accountsCheck, readBackCheck], 1);
      row(results, 'accounts', 'opening balances as published', 'pass');
      assert.match(row(results, 'read-back', 'balances are the journal, on every replica').detail, /^acc-000004 shows available \d+.*its \d+ journal entries since make available \d+/);
    });
    const atStart: Defect = async (req, forward) => {
      if (req.method !== 'GET' || req.path !== '/v1/accounts/acc-000003') return null;
      const body = json((await forward()).body) ?? {};
      return { status: 200, body: JSON.stringify({ ...body, available: (body.available as number) - 7, balance: (body.balance as number) - 7 }) };
    };
    await withBroken(store.url, atStart, async (url) => {
      const results = await checkUrl('ledger-store', url, [accountsCheck], 1);
      assert.match(row(results, 'accounts', 'opening balances as published').detail, /^acc-000003 shows available \d+, holds 0; its opening balance \d+ moved by its \d+ journal entries gives available \d+/);
    });
  });

  it('an opening balance other than the published one fails the accounts row, naming the vectors file', async () => {
    const published = seedAccounts(1, 20)[2]?.opening_balance as number;
    const defect: Defect = async (req, forward) => {
      if (req.method !== 'GET' || req.path !== '/v1/accounts/acc-000003') return null;
      const body = json((await forward()).body) ?? {};
      return { status: 200, body: JSON.stringify({ ...body, opening_balance: published + 100, available: (body.available as number) + 100, balance: (body.balance as number) + 100 }) };
    };
    await withBroken(store.url, defect, async (url) => {
      const results = await checkUrl('ledger-store', url, [accountsCheck], 1);
      const failed = row(results, 'accounts', 'opening balances as published');
      assert.equal(failed.detail, `acc-000003 has opening_balance ${published + 100}; the published seed data (services/contracts/vectors/accounts.json, seed 1) say ${published}`);
    });
  });

  it('the last account a service is told of is read too, and one past it must be unknown', async () => {
    const results = await checkUrl('ledger-store', store.url, [accountsCheck], 1, 1, { accountsTold: 100 });
    assert.match(row(results, 'accounts', 'opening balances as published', 'pass').detail, /and acc-000100, the last of the 100 it was told of/);
    const tooMany = await checkUrl('ledger-store', store.url, [accountsCheck], 1, 1, { accountsTold: 50 });
    assert.match(row(tooMany, 'accounts', 'opening balances as published').detail, /^reading acc-000051, one past the 50 accounts it was told of: answered 200, expected 404/);
  });

  it('two replicas that read different journals fail, naming the replica', async () => {
    const defect: Defect = async (req, forward) => {
      if (req.method !== 'GET' || !req.path.startsWith('/v1/journal')) return null;
      const answer = await forward();
      const body = json(answer.body) as { entries: unknown[]; next: number | null } | undefined;
      if (!body || body.entries.length < 2 || body.next !== null) return answer;
      return { status: 200, body: JSON.stringify({ ...body, entries: body.entries.slice(0, -1) }) };
    };
    await withBroken(store.url, defect, async (url) => {
      const results = await checkUrl('ledger-store', [store.url, url], [accountsCheck, readBackCheck], 1);
      assert.match(row(results, 'read-back', 'every write is in the journal, once').detail, /^replica 2 reads another journal than replica 1 after seq \d+: replica 1 has \d+ entries, this one \d+/);
    });
  });
});

describe('the feed and the card processor, read back', () => {
  it('a feed that drops events it acknowledged fails the burst; the correct feed passes', async () => {
    const good = await startMockFeed(1);
    const lossy = await startMockFeed(1, 5);
    try {
      const ok = await checkUrl('feed', good.url, [accountsCheck, readBackCheck], 1);
      assert.ok(contractPassed(ok), show(ok));
      const results = await checkUrl('feed', lossy.url, [accountsCheck, readBackCheck], 1);
      const failed = row(results, 'read-back', 'a burst of events, each applied');
      assert.match(failed.detail, /^lost write: event ct1-\w+-rb-evt\d+ \(and \d+ more\) for acc-\d{6} was in a batch answered 200, but acc-\d{6}'s feed does not list it/);
      assert.equal(failed.failure?.context?.[0]?.request.path, '/v1/events');
    } finally {
      await good.close();
      await lossy.close();
    }
  });

  describe('card processor', () => {
    let pipeline: MockPipeline;
    before(async () => {
      pipeline = await startMockPipeline(1);
    });
    after(async () => {
      await pipeline.close();
    });
    const observe = () => ({ ledger: ledgerObserver(pipeline.ledgerUrl) });

    it('the processor passes accounts and read-back, every answer read in the ledger behind it', async () => {
      const results = await checkUrl('card-processor', pipeline.processor.url, [accountsCheck, routesCheck, readBackCheck], 3, 1, observe());
      assert.ok(contractPassed(results), show(results));
      assert.match(row(results, 'read-back', 'every answer is in the ledger behind it', 'pass').detail, /^\d{3} authorizations: each approval one hold/);
      row(results, 'read-back', 'the feed agrees with the ledger after drain', 'skip');
      // Checked by URL, with no ledger of faultline's to read: said, not failed.
      const blind = await checkUrl('card-processor', pipeline.processor.url, [readBackCheck], 1);
      assert.match(row(blind, 'read-back', 'every answer is in the ledger behind it', 'skip').detail, /not faultline's \(checked by --url\)/);
    });

    it('a processor that ignores whose card it is fails the accounts row', async () => {
      const owner = new Map(seedAccounts(1, 20).map((a) => [a.id, a]));
      const defect: Defect = async (req, forward) => {
        const body = json(req.body) as { account_id?: string; card?: unknown } | undefined;
        const a = body?.account_id ? owner.get(body.account_id) : undefined;
        if (req.path !== '/v1/authorizations' || !a || !body) return null;
        return forward(JSON.stringify({ ...body, card: { token: a.card_token, last4: a.card_last4 } }));
      };
      await withBroken(pipeline.processor.url, defect, async (url) => {
        const results = await checkUrl('card-processor', url, [accountsCheck], 1, 1, observe());
        assert.match(row(results, 'accounts', "each account's own card, and no other").detail, /^an authorization on acc-000001 with acc-000002's card \(the published seed data give acc-000001 the card …\d{4}\): expected declined, card_mismatch; got decision: "approved"/);
      });
    });

    it('a processor that approves 1 authorization in 30 without holding fails the read-back', async () => {
      let n = 0;
      const defect: Defect = async (req) => {
        if (req.path !== '/v1/authorizations' || ++n % 30 !== 0) return null;
        const body = json(req.body) as { id: string; account_id: string; amount: unknown };
        return { status: 200, body: JSON.stringify({ id: body.id, decision: 'approved', reason: 'ok', account_id: body.account_id, amount: body.amount, replayed: false, ledger_attempts: 1 }) };
      };
      await withBroken(pipeline.processor.url, defect, async (url) => {
        const results = await checkUrl('card-processor', url, [accountsCheck, readBackCheck], 1, 1, observe());
        assert.match(row(results, 'read-back', 'a burst of authorizations, each reversed').detail, /^lost write: the authorization ct1-\w+-rb-auth\d+ of \d on acc-\d{6} was approved, but its reversal finds nothing_to_reverse/);
        assert.match(row(results, 'read-back', 'every answer is in the ledger behind it').detail, /^lost write: authorization ct1-\S+ on acc-\d{6} was approved, so one hold; the ledger has holds: 0/);
      });
    });

    it("an id is the issuer's whatever its route: a processor that keeps them apart fails, one that owns them passes", async () => {
      const rows = ["POST /v1/advices id: an authorization's id", "POST /v1/reversals id: an authorization's id"];
      // Blind to ids across routes: a reused id is passed on under a fresh one, so the processor never sees it.
      const seen = new Set<string>();
      const blind: Defect = async (req, forward) => {
        const body = json(req.body) as { id?: string } | undefined;
        if (req.method !== 'POST' || !body?.id) return null;
        if (req.path === '/v1/authorizations') seen.add(body.id);
        else if (seen.has(body.id)) return forward(JSON.stringify({ ...body, id: `${body.id}-x` }));
        return null;
      };
      // Owns them: the first route to use an id keeps it; another route with it gets 409.
      const owner = new Map<string, string>();
      const owning: Defect = async (req) => {
        const body = json(req.body) as { id?: string } | undefined;
        if (req.method !== 'POST' || !body?.id) return null;
        const first = owner.get(body.id);
        if (first === undefined) owner.set(body.id, req.path);
        else if (first !== req.path) return { status: 409, body: JSON.stringify({ error: `id ${body.id} belongs to a request on ${first}`, code: 'idempotency_conflict', status: 409, key: body.id, fields: ['operation'] }) };
        return null;
      };
      await withBroken(pipeline.processor.url, blind, async (url) => {
        const results = await checkUrl('card-processor', url, [idempotencyCheck], 1);
        for (const subject of rows) assert.match(row(results, 'idempotency', subject).detail, /answered 200, expected 409/);
      });
      await withBroken(pipeline.processor.url, owning, async (url) => {
        const results = await checkUrl('card-processor', url, [idempotencyCheck], 1);
        assert.ok(contractPassed(results), show(results));
        for (const subject of rows) row(results, 'idempotency', subject, 'pass');
      });
    });

    it('admin routes: absent is information, unless a planned fault needs them; then it fails naming the fault', async () => {
      const noAdmin: Defect = async (req) => (req.path.startsWith('/__admin/') ? { status: 404, body: '{"error":"not found","code":"NOT_FOUND","status":404}' } : null);
      await withBroken(pipeline.processor.url, noAdmin, async (url) => {
        const told = await checkUrl('card-processor', url, [adminCheck], 1);
        assert.ok(contractPassed(told), show(told));
        assert.match(row(told, 'admin', '/__admin/router', 'info').detail, /^absent .*: router\.restart cannot act on it/);
        assert.match(row(told, 'admin', '/__admin/drain', 'info').detail, /^absent .*feed-agrees/);
        const planned = await checkUrl('card-processor', url, [adminCheck], 1, 1, { faultsPlanned: ['router.restart'] });
        assert.match(row(planned, 'admin', '/__admin/router').detail, /^absent \(GET \/__admin\/router and POST \/__admin\/router\/restart answered 404\); the planned fault router\.restart needs it: a run would be refused before traffic/);
        row(planned, 'admin', '/__admin/http-faults', 'info');
      });
      const ok = await checkUrl('card-processor', pipeline.processor.url, [adminCheck], 1, 1, { faultsPlanned: ['router.restart', 'http.abort'] });
      assert.ok(contractPassed(ok), show(ok));
      for (const subject of ['/__admin/http-faults', '/__admin/router', '/__admin/drain']) row(ok, 'admin', subject, 'pass');
    });
  });
});
