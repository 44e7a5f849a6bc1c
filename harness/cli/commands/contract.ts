// `faultline contract <service> --url <base> | --command <cmd>`: checks, before any run, that a service
// speaks the contract of the mock it would replace (services/contracts/<service>.openapi.json): its
// health route, every route it must serve (fixed examples, then requests generated from the schemas,
// seeded), bad input, idempotency by content, the payment rules, a read-back of every write, and the admin
// routes faults need (`--scenario` names the faults you will run: a route one of them needs must be there).
// Prints one row per check and, for each failure, the first offending request and response.
// Every request is bounded (10 s for its whole answer, 16 MiB of body) and each check has a total time
// budget (--check-budget; a minute per 100 --cases): a check that runs out fails, named, and a service
// that leaves 3 requests in a row unanswered has the rest skipped. One Ctrl-C stops it at any point.
// Exit 0: every check passed; 1: one failed; 2: bad usage; 3: the service could not be started or reached;
// 130: interrupted (Ctrl-C; everything it started is stopped).
import { describeAccounts } from '../../contract/checks/accounts.ts';
import { faultsOn } from '../../contract/checks/admin.ts';
import { defaultCheckBudgetMs } from '../../contract/checks/budget.ts';
import { InterruptedError } from '../../contract/checks/client.ts';
import { RecordingClient } from '../../contract/checks/recording-client.ts';
import { contractContext, contractPassed, runContractChecks } from '../../contract/checks/index.ts';
import { ledgerObserver } from '../../contract/checks/observer.ts';
import { formatFailures, formatTable } from '../../contract/checks/report.ts';
import { commandTarget, urlTarget, type ContractTarget } from '../../contract/checks/target.ts';
import type { CheckResult } from '../../contract/checks/types.ts';
import { contractFileName } from '../../contract/files.ts';
import { loopbackUrlProblem } from '../../scenario/loopback-url.ts';
import { loadScenario } from '../../scenario/load.ts';
import { isReplaceable } from '../../scenario/replacements.ts';
import { REPLACEABLE_SERVICES, type ReplaceableService } from '../../scenario/schema.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { durationFlag, positiveNumber, seedFlag } from '../flags.ts';
import { replaceFlags } from '../replace-flags.ts';

export const DEFAULT_CASES = 100;
/** A payment service answers within the card network's 2 s; this much only says it never answered. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface ContractOptions {
  url?: string;
  command?: string;
  seed?: string;
  cases?: string;
  replicas?: string;
  readyTimeout?: string;
  /** Scenarios whose faults will run on the service (repeatable). */
  scenario?: string | string[];
  checkBudget?: string;
}

interface Plan {
  service: ReplaceableService;
  seed: number;
  cases: number;
  /** Each check's total time budget. */
  budgetMs: number;
  start: (signal: AbortSignal) => Promise<ContractTarget>;
  replay: string;
  scenarios: string[];
}

export async function contractCommand(serviceName: string, o: ContractOptions, out: (line: string) => void): Promise<number> {
  const plan = planOf(serviceName, o);
  const stop = new AbortController();
  const interrupt = (): void => {
    // A second Ctrl-C exits at once: the exit hook (topology/detached-process.ts) still kills what was started.
    if (stop.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write('\ninterrupted: stopping the checks and everything they started…\n');
    stop.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  let target: ContractTarget | undefined;
  // The faults the user will run on it: read before anything starts (a bad scenario is bad usage, exit 2).
  const planned: string[] = [];
  for (const name of plan.scenarios) planned.push(...faultsOn(plan.service, (await loadScenario(name)).scenario.faults));
  try {
    out(`faultline contract ${plan.service}: checking it against services/contracts/${contractFileName(plan.service)}`);
    try {
      target = await plan.start(stop.signal);
    } catch (err) {
      if (!(err instanceof InterruptedError)) throw err;
      out('interrupted before any check: nothing was judged, everything it started is stopped');
      return EXIT.interrupted;
    }
    if (stop.signal.aborted) return EXIT.interrupted;
    out(`checking ${target.description} at ${target.replicas.join(', ')}${target.beside ? `, ${target.beside}` : ''}`);
    const client = new RecordingClient(target.replicas, { timeoutMs: REQUEST_TIMEOUT_MS, signal: stop.signal });
    const ctx = await contractContext({ service: plan.service, seed: plan.seed, cases: plan.cases, client, ...(target.ledgerUrl ? { ledger: ledgerObserver(target.ledgerUrl, undefined, target.feedUrl) } : {}) });
    if (target.accounts !== undefined) ctx.accountsTold = target.accounts;
    if (plan.scenarios.length > 0) ctx.faultsPlanned = [...new Set(planned)];
    out(`seed ${plan.seed}, ${plan.cases} generated requests per route; accounts ${describeAccounts(ctx.accounts, ctx.accountsTold)}; request ids start ${ctx.ids.prefix}; each check within ${plan.budgetMs / 1000} s`);
    if (plan.scenarios.length > 0) out(`faults planned on it (${plan.scenarios.join(', ')}): ${ctx.faultsPlanned?.join(', ') || 'none'}`);
    const results: CheckResult[] = [];
    let interrupted = false;
    try {
      await runContractChecks(ctx, (r) => results.push(r), undefined, plan.budgetMs);
    } catch (err) {
      if (!(err instanceof InterruptedError)) throw err;
      interrupted = true;
    } finally {
      client.close();
    }
    out('');
    for (const line of formatTable(results)) out(line);
    for (const line of formatFailures(results)) out(line);
    out('');
    if (interrupted) {
      out(`interrupted after ${results.length} checks: nothing was judged`);
      return EXIT.interrupted;
    }
    out(summaryLine(plan.service, results));
    const passed = contractPassed(results);
    if (!passed) out(`replay: ${plan.replay}`);
    return passed ? EXIT.passed : EXIT.failed;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await target?.stop();
  }
}

function summaryLine(service: string, results: readonly CheckResult[]): string {
  const count = (v: CheckResult['verdict']): number => results.filter((r) => r.verdict === v).length;
  const requests = results.reduce((n, r) => n + r.requests, 0);
  const failed = count('fail');
  const verdict = failed === 0 ? 'speaks its contract' : 'does NOT speak its contract';
  const extra = [count('info') ? `${count('info')} informational` : '', count('skip') ? `${count('skip')} skipped` : ''].filter(Boolean).join(', ');
  return `${service} ${verdict}: ${count('pass')} checks passed, ${failed} failed${extra ? `, ${extra}` : ''} (${requests} requests)`;
}

/** Checks every flag before anything starts (a UsageError names the flag: exit 2). */
function planOf(serviceName: string, o: ContractOptions): Plan {
  if (!isReplaceable(serviceName)) {
    const why = serviceName === 'discovery' ? ' (discovery is faultline\'s own stub: its faults are the fault plane\'s, it is not replaced)' : '';
    throw new UsageError(`"${serviceName}" is not a service a replacement can take the place of${why}; one of ${REPLACEABLE_SERVICES.join(', ')}`);
  }
  const service = serviceName;
  if ((o.url === undefined) === (o.command === undefined)) throw new UsageError('give either --url <base> (it already runs) or --command <cmd> (faultline starts it), not both');
  const seed = seedFlag(o.seed) ?? 1;
  const cases = positiveNumber('--cases', o.cases, { integer: true, max: 100_000 }) ?? DEFAULT_CASES;
  const readyS = durationFlag('--ready-timeout', o.readyTimeout, { max: 600 });
  const scenarios = o.scenario === undefined ? [] : Array.isArray(o.scenario) ? o.scenario : [o.scenario];
  const budgetS = durationFlag('--check-budget', o.checkBudget, { max: 3600 });
  const budgetMs = budgetS !== undefined ? budgetS * 1000 : defaultCheckBudgetMs(cases);
  const flags = ` --seed ${seed} --cases ${cases}${budgetS !== undefined ? ` --check-budget ${budgetS}s` : ''}${scenarios.map((n) => ` --scenario ${shellQuote(n)}`).join('')}`;
  if (o.url !== undefined) {
    if (o.replicas !== undefined) throw new UsageError('--replicas: a URL is one replica; --replicas goes with --command');
    const problem = loopbackUrlProblem(o.url);
    if (problem) throw new UsageError(`--url ${problem}`);
    const { replace } = replaceFlags({ replaceUrl: [`${service}=${o.url}`] });
    const r = replace[service];
    if (!r?.url) throw new UsageError(`--url ${o.url} is not usable`);
    const url = r.url;
    return { service, seed, cases, scenarios, budgetMs, start: (signal) => urlTarget(service, url, r.health, (readyS ?? 5) * 1000, signal), replay: `faultline contract ${service} --url ${url}${flags}` };
  }
  const command = o.command as string;
  // Checked here, under its own name: --replace's parser below would name --replace.
  if (command.trim() === '') throw new UsageError(`--command must be the command that starts your service, e.g. --command "node my-ledger.js", got "${command}"`);
  if (command.length > 4096) throw new UsageError(`--command must be at most 4096 characters, got ${command.length}`);
  const replicas = o.replicas === undefined ? undefined : [/^\d+$/.test(o.replicas) ? `${service}=${o.replicas}` : o.replicas];
  if (replicas && !(replicas[0] as string).startsWith(`${service}=`)) throw new UsageError(`--replicas ${o.replicas}: give the replicas of ${service}, e.g. --replicas 2`);
  const { replace, replicas: counts } = replaceFlags({ replace: [`${service}=${command}`], ...(replicas ? { replicas } : {}) });
  const r = replace[service];
  if (!r) throw new UsageError(`--command ${command} is not usable`);
  if (readyS !== undefined) r.ready_timeout = readyS;
  const shown = o.replicas !== undefined ? ` --replicas ${o.replicas}` : '';
  return { service, seed, cases, scenarios, budgetMs, start: (signal) => commandTarget(service, r, counts, seed, undefined, signal), replay: `faultline contract ${service} --command ${shellQuote(command)}${shown}${flags}` };
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
