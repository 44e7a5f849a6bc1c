// Check 1: the health route answers GET 200 with the body its contract documents, on every replica.
// faultline waits for it before traffic and after every restart.
import type { ContractRoute } from '../types.ts';
import { answerProblem, statusOf } from './validate.ts';
import type { CheckContext, CheckResult, ContractCheck, Exchange } from './types.ts';

export const healthCheck: ContractCheck = {
  family: 'health',
  async run(ctx: CheckContext): Promise<CheckResult[]> {
    const route = ctx.routes.find((r) => r.method === 'GET' && r.path === ctx.healthPath);
    const session = ctx.client.session();
    const results: CheckResult[] = [];
    for (let replica = 0; replica < session.replicas; replica++) {
      const exchange = await session.send({ method: 'GET', path: ctx.healthPath, replica });
      const subject = `GET ${ctx.healthPath}${session.replicas > 1 ? ` (replica ${replica + 1})` : ''}`;
      const problem = healthProblem(subject, route, exchange);
      results.push(
        problem
          ? { family: 'health', subject, verdict: 'fail', requests: 1, detail: problem, failure: { reason: problem, exchange } }
          : { family: 'health', subject, verdict: 'pass', requests: 1, detail: '200, body matches the contract' },
      );
    }
    return results;
  },
};

function healthProblem(subject: string, route: ContractRoute | undefined, exchange: Exchange): string | null {
  const status = statusOf(exchange.response);
  if (status !== 200) return `${subject} must answer 200 once the service can serve requests; ${status === null ? 'it did not answer' : `it answered ${status}`}`;
  return route ? answerProblem(route, exchange.response) : null;
}
