// A contract check has a total time budget: a service that answers its health route and then hangs on
// every other route fails the check it hung in, saying which check ran out of time, and once it has left
// several requests in a row unanswered the rest is skipped (it stopped answering): seconds, not minutes.
// Every request is bounded in total (a body that never ends is no answer) and every body is capped.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { MAX_BODY, ServiceClient, SILENT_IN_A_ROW } from '../../harness/contract/checks/client.ts';
import { CONTRACT_CHECKS, contractContext, contractPassed, runContractChecks } from '../../harness/contract/checks/index.ts';
import { answered, type CheckResult } from '../../harness/contract/checks/types.ts';
import { cli } from '../support/cli.ts';
import { serve } from '../support/local-server.ts';


/** Healthy on /health, silent everywhere else. */
const hangs: http.RequestListener = (req, res) => {
  if (req.url !== '/health') return;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok', service: 'ledger', replica: 'ledger-1', store: 'http://127.0.0.1:9' }));
};

async function check(url: string, o: { timeoutMs: number; budgetMs: number }): Promise<{ rows: CheckResult[]; ms: number }> {
  const client = new ServiceClient([url], { timeoutMs: o.timeoutMs });
  const started = Date.now();
  try {
    const ctx = await contractContext({ service: 'ledger', seed: 1, cases: 5, client });
    return { rows: await runContractChecks(ctx, () => {}, CONTRACT_CHECKS, o.budgetMs), ms: Date.now() - started };
  } finally {
    client.close();
  }
}

describe('the time budget of each contract check', () => {
  it('a service that hangs every route fails the check whose budget ran out, by name, then is skipped as silent', async () => {
    const { rows, ms } = await check(await serve(hangs), { timeoutMs: 10_000, budgetMs: 2000 });
    const byFamily = (f: string): CheckResult[] => rows.filter((r) => r.family === f);
    const health = byFamily('health');
    assert.ok(health.length === 1 && health[0]?.subject !== '(time budget)' && !/stopped answering/.test(health[0]?.detail ?? ''), `its health route answers: ${JSON.stringify(health)}`);
    const routes = byFamily('routes');
    assert.equal(routes.length, 1);
    assert.equal(routes[0]?.verdict, 'fail');
    assert.equal(routes[0]?.subject, '(time budget)');
    assert.match(routes[0]?.detail ?? '', /^ran out of its time budget: 2 s for the whole routes check, spent after 1 request; the last request was cut off unanswered/);
    const cut = routes[0]?.failure?.exchange;
    assert.ok(cut && !answered(cut.response), 'the request that was cut off is shown');
    // Every budget cut is a request left unanswered: after SILENT_IN_A_ROW of them the service is silent.
    const failedOnBudget = rows.filter((r) => r.subject === '(time budget)').map((r) => r.family);
    assert.equal(failedOnBudget.length, SILENT_IN_A_ROW - 1);
    const silent = rows.find((r) => r.verdict === 'fail' && r.subject === '(all)');
    assert.ok(silent, JSON.stringify(rows, null, 1));
    assert.match(silent.detail, new RegExp(`^the service stopped answering: ${SILENT_IN_A_ROW} requests in a row got no answer within their time`));
    const skipped = rows.filter((r) => r.verdict === 'skip');
    assert.ok(skipped.length >= 1 && skipped.every((r) => /not run: the service stopped answering/.test(r.detail)), JSON.stringify(skipped));
    assert.equal(contractPassed(rows), false);
    assert.ok(ms >= (SILENT_IN_A_ROW - 1) * 2000 && ms < 30_000, `took ${ms} ms`);
  });

  it('without a budget cut, requests that time out in a row mark the service silent within one check', async () => {
    const { rows, ms } = await check(await serve(hangs), { timeoutMs: 300, budgetMs: 60_000 });
    const routes = rows.filter((r) => r.family === 'routes');
    assert.equal(routes.length, 1, JSON.stringify(rows, null, 1));
    assert.equal(routes[0]?.verdict, 'fail');
    assert.match(routes[0]?.detail ?? '', /the service stopped answering: 3 requests in a row got no answer within their time \(the last: \w+ \/\S+ on http:\/\/127\.0\.0\.1:\d+: no answer within 300 ms\)/);
    assert.ok(rows.filter((r) => ['bad-input', 'idempotency', 'rules', 'http-faults'].includes(r.family)).every((r) => r.verdict === 'skip'));
    assert.ok(ms < 15_000, `took ${ms} ms`);
  });

  it('an answer whose body never ends, or passes the cap, is no answer; the request ends at its deadline', async () => {
    const base = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/stream') {
        const timer = setInterval(() => res.write('x'), 20);
        res.on('close', () => clearInterval(timer));
        return;
      }
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      let sent = 0;
      const more = (): void => {
        while (sent < MAX_BODY / chunk.length + 4) {
          sent++;
          if (!res.write(chunk)) return;
        }
        res.end();
      };
      res.on('drain', more);
      more();
    });
    const client = new ServiceClient([base], { timeoutMs: 500 });
    try {
      const started = Date.now();
      const stream = await client.send({ method: 'GET', path: '/stream' });
      assert.ok(!answered(stream.response));
      assert.equal(stream.response.error, 'answered 200 but its body did not end within 500 ms');
      assert.ok(Date.now() - started < 5000);
      const flood = await new ServiceClient([base], { timeoutMs: 20_000 }).send({ method: 'GET', path: '/flood' });
      assert.ok(!answered(flood.response));
      assert.equal(flood.response.error, 'answered 200 with a body over 16 MiB (cut off)');
    } finally {
      client.close();
    }
  });

  it('faultline contract --check-budget: the table names the check whose budget ran out; exit 1; the replay keeps the budget', async () => {
    const url = await serve(hangs);
    const started = Date.now();
    const r = await cli(['contract', 'ledger', '--url', url, '--check-budget', '2s', '--cases', '5'], 90_000);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /each check within 2 s/);
    assert.match(r.stdout, /^ {2}routes +\(time budget\) +FAIL +1 +ran out of its time budget: 2 s for the whole routes check/m);
    assert.match(r.stdout, /^FAIL {2}routes {2}\(time budget\)$/m);
    assert.match(r.stdout, /the service stopped answering: 3 requests in a row got no answer/);
    assert.match(r.stdout, /^replay: faultline contract ledger --url \S+ --seed 1 --cases 5 --check-budget 2s$/m);
    assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
  });
});
