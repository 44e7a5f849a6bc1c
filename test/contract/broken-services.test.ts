// Each check family against small, deliberately broken services of our own: node:http in front of a
// correct ledger store (faultline's mock, in this process), breaking one rule each. The right check must
// fail, and its failure must carry the offending request and response; the correct store passes them all.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contractAccounts } from '../../harness/contract/checks/accounts.ts';
import { adminCheck } from '../../harness/contract/checks/admin.ts';
import { badInputCheck } from '../../harness/contract/checks/bad-input.ts';
import { healthCheck } from '../../harness/contract/checks/health.ts';
import { idempotencyCheck } from '../../harness/contract/checks/idempotency.ts';
import { CONTRACT_CHECKS, contractPassed } from '../../harness/contract/checks/index.ts';
import { formatFailures } from '../../harness/contract/checks/report.ts';
import { routesCheck } from '../../harness/contract/checks/routes.ts';
import { rulesCheck } from '../../harness/contract/checks/rules.ts';
import { answered, type CheckResult } from '../../harness/contract/checks/types.ts';
import { checkUrl, json, startBrokenService, startMockLedgerStore, type Defect, type Running } from './support.ts';

let store: Running;
before(async () => {
  store = await startMockLedgerStore();
});
after(async () => {
  await store.close();
});

async function withBroken<T>(defect: Defect, body: (url: string) => Promise<T>): Promise<T> {
  const broken = await startBrokenService(store.url, defect);
  try {
    return await body(broken.url);
  } finally {
    await broken.close();
  }
}

function failed(results: CheckResult[], family: string, subject?: string): CheckResult {
  const row = results.find((r) => r.verdict === 'fail' && r.family === family && (subject === undefined || r.subject === subject));
  assert.ok(row, `a failing ${family} row${subject ? ` for ${subject}` : ''} among:\n${results.map((r) => `${r.verdict} ${r.family} ${r.subject}: ${r.detail}`).join('\n')}`);
  return row;
}

const rewrite = (body: string, change: (o: Record<string, unknown>) => void): string => {
  const o = json(body);
  if (!o) return body;
  change(o);
  return JSON.stringify(o);
};

describe('faultline contract against broken services', () => {
  it('the correct store passes every check (the defect proxy itself breaks nothing)', async () => {
    await withBroken(async () => null, async (url) => {
      const results = await checkUrl('ledger-store', url, CONTRACT_CHECKS, 5);
      assert.ok(contractPassed(results), results.filter((r) => r.verdict !== 'pass').map((r) => `${r.family} ${r.subject}: ${r.detail}`).join('\n'));
      assert.equal(results.find((r) => r.family === 'admin')?.verdict, 'pass');
    });
  });

  it('health: a 503 fails, with the answer shown', async () => {
    await withBroken(async (req) => (req.path === '/health' ? { status: 503, body: '{"status":"starting"}' } : null), async (url) => {
      const row = failed(await checkUrl('ledger-store', url, [healthCheck]), 'health');
      assert.match(row.detail, /must answer 200.*503/);
      assert.ok(row.failure?.exchange && answered(row.failure.exchange.response) && row.failure.exchange.response.status === 503);
    });
  });

  it('routes: an answer missing a documented field fails, naming the field', async () => {
    const defect: Defect = async (req, forward) => {
      if (!req.path.startsWith('/v1/accounts/')) return null;
      const answer = await forward();
      return { ...answer, body: rewrite(answer.body, (o) => delete o.version) };
    };
    await withBroken(defect, async (url) => {
      const row = failed(await checkUrl('ledger-store', url, [routesCheck]), 'routes', 'GET /v1/accounts/{id}');
      assert.match(row.detail, /body must have required property 'version'/);
      assert.match(row.failure?.exchange?.request.path ?? '', /^\/v1\/accounts\//);
    });
  });

  it('routes: a 404 from a route that is not there is not an answer, even though 4XX is documented', async () => {
    await withBroken(async (req) => (req.path === '/v1/idempotency-records' ? { status: 404, body: '{"error":"no such route","code":"not_found","status":404}' } : null), async (url) => {
      const row = failed(await checkUrl('ledger-store', url, [routesCheck]), 'routes', 'POST /v1/idempotency-records');
      assert.match(row.detail, /answered 404, expected 200/);
    });
  });

  it('bad input: a 500 for malformed JSON fails, showing the malformed body and the 500', async () => {
    const defect: Defect = async (req) => {
      if (req.method !== 'POST') return null;
      try {
        JSON.parse(req.body);
        return null;
      } catch {
        return { status: 500, body: '{"error":"Unexpected end of JSON input","code":"INTERNAL","status":500}' };
      }
    };
    await withBroken(defect, async (url) => {
      const row = failed(await checkUrl('ledger-store', url, [badInputCheck]), 'bad-input', 'POST /v1/holds');
      assert.match(row.detail, /malformed JSON \(cut off half-way\): answered 500, expected 4xx/);
      const shown = formatFailures([row]).join('\n');
      assert.match(shown, /request {3}POST \/v1\/holds/);
      assert.match(shown, /response {2}500/);
      assert.match(shown, /Unexpected end of JSON input/);
    });
  });

  it('bad input: a service that ignores unknown fields accepts what its contract refuses', async () => {
    const defect: Defect = async (req, forward) => (req.body.includes('unexpected_field') ? forward(rewrite(req.body, (o) => delete o.unexpected_field)) : null);
    await withBroken(defect, async (url) => {
      const row = failed(await checkUrl('ledger-store', url, [badInputCheck]), 'bad-input', 'POST /v1/holds');
      assert.match(row.detail, /unknown field unexpected_field: accepted with 200, expected 4xx/);
    });
  });

  it('idempotency: a reused key answered from a cache of first answers fails, with the first use shown before it', async () => {
    const first = new Map<string, { status: number; body: string }>();
    const defect: Defect = async (req, forward) => {
      const id = req.method === 'POST' ? (json(req.body)?.request_id as string | undefined) : undefined;
      if (!id) return null;
      const cached = first.get(id);
      if (cached) return cached;
      const answer = await forward();
      if (answer.status === 200) first.set(id, answer);
      return answer;
    };
    await withBroken(defect, async (url) => {
      const results = await checkUrl('ledger-store', url, [idempotencyCheck]);
      const repeated = failed(results, 'idempotency', 'POST /v1/holds request_id: repeated');
      assert.match(repeated.detail, /replayed: false, expected true/);
      const reused = failed(results, 'idempotency', 'POST /v1/holds request_id: other amount.value');
      assert.match(reused.detail, /was answered with the first answer, expected 409 idempotency_conflict/);
      assert.equal(reused.failure?.context?.length, 1, 'the first use is shown before it');
      assert.match(reused.failure?.exchange?.request.body ?? '', /"value":1100/);
      assert.ok(results.some((r) => r.verdict === 'pass' && r.subject === 'POST /v1/holds idempotency.key: other amount.value'), 'the caller\'s key still works');
    });
  });

  it('rules: an advice in another currency posted in the account\'s currency, and an advice refused for funds, both fail', async () => {
    const defect: Defect = async (req, forward) => {
      if (req.path !== '/v1/postings') return null;
      // Refuses the advices that overdraw: on the account the overdraft rule uses, every one does.
      if (json(req.body)?.account_id === contractAccounts(1).overdraft.id) return { status: 422, body: '{"error":"insufficient funds","code":"insufficient_funds","status":422}' };
      return forward(rewrite(req.body, (o) => ((o.amount as { currency: string }).currency = 'GBP')));
    };
    await withBroken(defect, async (url) => {
      const results = await checkUrl('ledger-store', url, [rulesCheck]);
      const currency = failed(results, 'rules', 'an advice in another currency is refused');
      assert.match(currency.detail, /answered 200, expected 422/);
      assert.match(currency.failure?.exchange?.request.body ?? '', /"currency":"EUR"/);
      const overdraft = failed(results, 'rules', 'an advice is posted even into overdraft');
      assert.match(overdraft.detail, /answered 422, expected 200/);
      assert.ok(results.some((r) => r.verdict === 'pass' && r.subject === 'a partial reversal releases exactly its amount'));
    });
  });

  it('rules: a partial reversal that releases the whole hold fails, naming the amounts', async () => {
    const defect: Defect = async (req, forward) => {
      if (req.path !== '/v1/releases') return null;
      const answer = await forward();
      // Reports 700 released but shows the account as if everything had been.
      return { ...answer, body: rewrite(answer.body, (o) => {
        const account = o.account as { available: number; holds: number } | null;
        if (account && o.result === 'released' && account.holds > 0) {
          account.available += account.holds;
          account.holds = 0;
        }
      }) };
    };
    await withBroken(defect, async (url) => {
      const row = failed(await checkUrl('ledger-store', url, [rulesCheck]), 'rules', 'a partial reversal releases exactly its amount');
      assert.match(row.detail, /expected exactly \+700 and −700/);
    });
  });

  it('http faults: a service without the admin route is told so, and still passes', async () => {
    await withBroken(async (req) => (req.path.startsWith('/__admin/') ? { status: 404, body: '{"error":"not found"}' } : null), async (url) => {
      const results = await checkUrl('ledger-store', url, [healthCheck, adminCheck]);
      assert.ok(contractPassed(results));
      const row = results.find((r) => r.family === 'admin');
      assert.equal(row?.verdict, 'info');
      assert.match(row?.detail ?? '', /^absent \(GET \/__admin\/http-faults answered 404\): http\.abort, http\.delay, http\.fail_after_commit cannot act on it/);
    });
  });

  it('a service that dies on bad input: the rest is skipped and the run fails', async () => {
    const defect: Defect = async (req, _forward, server) => {
      if (req.method === 'POST' && req.body === '') {
        server.close();
        server.closeAllConnections();
        throw new Error('crashed');
      }
      return null;
    };
    await withBroken(defect, async (url) => {
      const results = await checkUrl('ledger-store', url, [badInputCheck, idempotencyCheck]);
      assert.match(failed(results, 'bad-input', 'POST /v1/holds').detail, /an empty body.*no answer/);
      assert.ok(results.some((r) => r.verdict === 'skip' && r.family === 'idempotency' && /stopped answering/.test(r.detail)));
      assert.equal(contractPassed(results), false);
    });
  });
});
