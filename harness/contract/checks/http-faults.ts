// Check 6 (informational, never a failure): does the service serve faultline's HTTP-fault admin route?
// `http.*` faults (abort, delay, fail-after-commit) are set through it on the replica itself; without it a
// run refuses them before traffic. Network faults (the proxy in front) and process faults need nothing.
import { schemaProblem, statusOf } from './validate.ts';
import { answered, type CheckContext, type CheckResult, type ContractCheck } from './types.ts';

const PATH = '/__admin/http-faults';

export const httpFaultsCheck: ContractCheck = {
  family: 'http-faults',
  async run(ctx: CheckContext): Promise<CheckResult[]> {
    const route = ctx.allRoutes.find((r) => r.method === 'GET' && r.path === PATH);
    const kinds = route?.neededFor.join(', ') || 'http.*';
    const session = ctx.client.session();
    const exchange = await session.send({ method: 'GET', path: PATH });
    const status = statusOf(exchange.response);
    const schema = route?.responses.find((r) => r.status === '200')?.schema;
    const problem = status === 200 && schema && answered(exchange.response) ? schemaProblem(schema, exchange.response.json) : null;
    const detail =
      status === 200 && !problem
        ? `present: ${kinds} can act on it`
        : status === 200
          ? `answers 200 but not as documented (${problem}): ${kinds} may not act on it`
          : `absent (GET ${PATH} answered ${status ?? 'nothing'}): ${kinds} faults cannot act on it; network and process faults still can`;
    return [{ family: 'http-faults', subject: PATH, verdict: 'info', requests: session.count, detail }];
  },
};
