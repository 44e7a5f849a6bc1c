// Check 8: the admin routes faultline drives on a replica for a fault (`x-faultline-needed-for` in the contract)
// or after traffic, each group on the first replica:
//   /__admin/http-faults           http.abort, http.delay, http.fail_after_commit: GET lists the rules; a probe rule
//                                  on a path nobody uses is set (PUT) and cleared (DELETE) again
//   /__admin/router (+ /restart)   router.restart (card processor): GET answers the router's view, POST …/restart 200
//   /__admin/drain                 after traffic (card processor): flush feed events and settle unknown writes
// A group that is absent is information, unless a fault the user plans to run on it (`--scenario`) needs it:
// then it fails here, before any run refuses it. A group that is there but answers otherwise always fails.
import { HTTP_FAULTS_PATH } from '../../../services/common/http-faults.ts';
import { serviceOfTarget } from '../../scenario/replacements.ts';
import type { ContractRoute, JsonSchema } from '../types.ts';
import { InfoOnly, runRules } from './rule-rows.ts';
import { RuleBroken, type Rule, type RuleRun } from './rule-run.ts';
import { bodyOf, schemaProblem, statusOf } from './validate.ts';
import { answered, type CheckContext, type CheckResult, type ContractCheck, type Exchange } from './types.ts';

const PROBE_RULE = 'faultline-contract-probe';
const PROBE_PATH = '/faultline-contract-probe';

export const adminCheck: ContractCheck = {
  family: 'admin',
  async run(ctx: CheckContext): Promise<CheckResult[]> {
    return runRules(ctx, 'admin', adminRules(ctx));
  },
};

/** The fault kinds that need a route, from the published contract. */
function kindsOf(ctx: CheckContext, method: string, path: string): string[] {
  return ctx.allRoutes.find((r) => r.method === method && r.path === path)?.neededFor ?? [];
}

function responseSchema(ctx: CheckContext, method: string, path: string): JsonSchema | undefined {
  const route: ContractRoute | undefined = ctx.allRoutes.find((r) => r.method === method && r.path === path);
  return route?.responses.find((r) => r.status === '200')?.schema;
}

/** Absent: information, or a failure when a planned fault needs it. */
function absent(ctx: CheckContext, kinds: readonly string[], what: string, exchange: Exchange): never {
  const planned = kinds.filter((k) => ctx.faultsPlanned?.includes(k));
  if (planned.length > 0) {
    throw new RuleBroken(`${what}; the planned fault${planned.length === 1 ? '' : 's'} ${planned.join(', ')} need${planned.length === 1 ? 's' : ''} it: a run would be refused before traffic`, exchange);
  }
  throw new InfoOnly(`${what}: ${kinds.join(', ')} cannot act on it (a run with ${kinds.length === 1 ? 'that fault' : 'one of them'} on it is refused before traffic)`);
}

function expectDocumented(r: RuleRun, exchange: Exchange, status: number, schema: JsonSchema | undefined, what: string): void {
  r.expect(exchange, status, what);
  const problem = schema && answered(exchange.response) ? schemaProblem(schema, exchange.response.json) : null;
  if (problem) throw new RuleBroken(`${what}: answered ${status} but not as documented (${problem})`, exchange);
}

function adminRules(ctx: CheckContext): Rule[] {
  const rules: Rule[] = [
    {
      subject: HTTP_FAULTS_PATH,
      async run(r) {
        const kinds = kindsOf(ctx, 'GET', HTTP_FAULTS_PATH);
        const schema = responseSchema(ctx, 'GET', HTTP_FAULTS_PATH);
        const list = await r.send(`GET ${HTTP_FAULTS_PATH}`, {});
        if (statusOf(list.response) === 404) absent(ctx, kinds, `absent (GET ${HTTP_FAULTS_PATH} answered 404)`, list);
        expectDocumented(r, list, 200, schema, `GET ${HTTP_FAULTS_PATH}`);
        const rule = { abort: { percent: 100, status: 418 }, routes: [PROBE_PATH] };
        const put = await r.send(`PUT ${HTTP_FAULTS_PATH}/{name}`, { params: { name: PROBE_RULE }, body: rule });
        expectDocumented(r, put, 200, responseSchema(ctx, 'PUT', `${HTTP_FAULTS_PATH}/{name}`), `setting a rule ${PROBE_RULE} on ${PROBE_PATH} (a path nobody uses)`);
        const rules = r.expect(put, 200, 'the rules after setting it').rules;
        r.check(rules !== null && typeof rules === 'object' && !Array.isArray(rules) && PROBE_RULE in rules, `the answer to setting ${PROBE_RULE} does not list it in rules`, put);
        const cleared = await r.send(`DELETE ${HTTP_FAULTS_PATH}/{name}`, { params: { name: PROBE_RULE } });
        const after = r.expect(cleared, 200, `clearing the rule ${PROBE_RULE}`).rules;
        r.check(after !== null && typeof after === 'object' && !Array.isArray(after) && !(PROBE_RULE in after), `the rule ${PROBE_RULE} is still listed after DELETE`, cleared);
        return `present: ${kinds.join(', ')} can act on it (a probe rule was set and cleared)`;
      },
    },
  ];
  if (ctx.service !== 'card-processor') return rules;
  rules.push(
    {
      subject: '/__admin/router',
      async run(r) {
        const kinds = [...new Set([...kindsOf(ctx, 'GET', '/__admin/router'), ...kindsOf(ctx, 'POST', '/__admin/router/restart')])];
        const view = await r.send('GET /__admin/router', {});
        const restart = (): Promise<Exchange> => r.send('POST /__admin/router/restart', {});
        if (statusOf(view.response) === 404) {
          const again = await restart();
          if (statusOf(again.response) !== 404) throw new RuleBroken('GET /__admin/router answered 404 but POST /__admin/router/restart did not: faultline reads the first before it posts the second, so router.restart is refused', view);
          absent(ctx, kinds, 'absent (GET /__admin/router and POST /__admin/router/restart answered 404)', view);
        }
        r.expect(view, 200, 'GET /__admin/router');
        r.check(bodyOf(view.response) !== undefined, 'GET /__admin/router must answer a JSON object (the router\'s view)', view);
        const done = await restart();
        expectDocumented(r, done, 200, responseSchema(ctx, 'POST', '/__admin/router/restart'), 'POST /__admin/router/restart');
        return `present: ${kinds.join(', ')} can act on it (its view read, one restart answered)`;
      },
    },
    {
      subject: '/__admin/drain',
      async run(r) {
        const drained = await r.send('POST /__admin/drain', { body: { deadline_ms: 2000 } });
        if (statusOf(drained.response) === 404) {
          throw new InfoOnly('absent (POST /__admin/drain answered 404): after traffic a run cannot ask it to send its pending feed events, so feed-agrees may see the feed behind the ledger');
        }
        expectDocumented(r, drained, 200, responseSchema(ctx, 'POST', '/__admin/drain'), 'POST /__admin/drain with deadline_ms 2000');
        return 'present: after traffic a run asks it to send its pending feed events before feed-agrees';
      },
    },
  );
  return rules;
}

/** The fault kinds a scenario's windows put on `service` (its replicas included): what its admin routes must serve. */
export function faultsOn(service: string, windows: ReadonlyArray<{ fault: string; target: string }>): string[] {
  return [...new Set(windows.filter((w) => serviceOfTarget(w.target) === service).map((w) => w.fault))];
}
