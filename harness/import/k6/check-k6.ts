// `faultline check`: the verdict of a run whose load k6 sent (the script `faultline export k6` wrote) against a
// pipeline faultline did not start. The k6 JSON output is streamed into the same Recorders a run feeds (history
// file, aggregator, every checker's history fold); then, as after a run, the ledger and the feed are read and
// every invariant judged (runner/check-run.ts), and the run folder, summary, report and JUnit are written by the
// same writeRun. What k6 cannot measure (the driver's event loop, when faults took effect, send lateness under a
// ramping executor) is NaN in memory, null in summary.json: "not measured", never 0. What the script does not
// do (stand-in, advices, conflicting retries) leaves the invariants that need it not judged (not-judged.ts).
//
// Ctrl-C stops the reading, and what was read is judged and written, marked incomplete (as `faultline run`
// does). Bad input (a malformed line, a file from another export) and a harness failure (ledger unreachable,
// the deadline passed) leave no run folder behind (or, in an --out folder that existed, no file of ours).
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { seedAccounts } from '../../../services/common/accounts.ts';
import { createLedgerReader, LedgerReadError } from '../../checkers/ledger-reader.ts';
import { loadBaselineSummary, loadTolerances, mergeTolerances } from '../../gate/baseline.ts';
import type { BaselineInput } from '../../gate/verdict.ts';
import { HISTORY_FILE, HISTORY_FILE_GZ } from '../../history/writer.ts';
import { checkRun } from '../../runner/check-run.ts';
import { Recorders } from '../../runner/recorders.ts';
import { makeRunFolder } from '../../runner/run-folder.ts';
import { versions } from '../../runner/versions.ts';
import { writeRun, type WriteRunContext } from '../../runner/write-run.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { FaultSummary, LoadSource, Summary } from '../../summary/types.ts';
import type { ScriptDeclaration } from './declaration.ts';
import { waitForFeed } from './feed-settle.ts';
import { K6InputError } from './lines.ts';
import { markNotJudged, notJudgedInvariants } from './not-judged.ts';
import { readK6Files, type K6ReadResult } from './read-k6.ts';
import { DERIVABLE, type DerivableField } from './request-facts.ts';
import { scheduledFaults } from './to-record.ts';
import { K6_FORMAT, REQUEST_METRIC, RUN_METRIC } from './vocabulary.ts';

export interface CheckK6Options {
  /** k6 JSON output files (one per k6 instance), plain or gzipped. */
  files: string[];
  /** The ledger (any replica or the store) and the feed/balance API, loopback URLs. */
  ledgerUrl: string;
  feedUrl?: string;
  out?: string;
  baseline?: string;
  tolerances?: string;
  report?: boolean;
  /** The command that repeats this check, shown in the report. */
  command: string;
  /** Ctrl-C: stop reading, judge what was read, write it marked incomplete. */
  signal?: AbortSignal;
  /** The reading must be over by then (ms); past it the check fails (harness, exit 3). Default 1 h. */
  deadlineMs?: number;
  /** How long to wait for the feed to catch up with the ledger before judging it (ms). Default 10 s. */
  settleMs?: number;
  /** Slack between k6's clock and the ledger's when a decline is judged (ms). Default 1000. */
  clockSlackMs?: number;
  maxLineBytes?: number;
  maxBytes?: number;
  log?: (line: string) => void;
}

export interface CheckK6Result {
  summary: Summary;
  runDir: string;
}

/** The check itself could not be done (the ledger did not answer, the deadline passed): exit 3. */
export class CheckHarnessError extends Error {
  override name = 'CheckHarnessError';
}

const DEFAULT_DEADLINE_MS = 60 * 60 * 1000;
const DEFAULT_SETTLE_MS = 10_000;
const DEFAULT_CLOCK_SLACK_MS = 1000;
const HEALTH_TIMEOUT_MS = 5000;

async function answersHealth(what: string, base: string): Promise<void> {
  const url = `${base.replace(/\/+$/, '')}/health`;
  let status: number;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    status = res.status;
    await res.body?.cancel();
  } catch (err) {
    throw new CheckHarnessError(`the ${what} at ${base} did not answer GET /health within ${HEALTH_TIMEOUT_MS / 1000} s: ${(err as Error).message}`);
  }
  if (status !== 200) throw new CheckHarnessError(`the ${what} at ${base} answered GET /health with ${status}, not 200`);
}

async function loadBaseline(scenario: Scenario, options: CheckK6Options): Promise<BaselineInput | undefined> {
  if (!options.baseline) return undefined;
  return {
    summary: await loadBaselineSummary(options.baseline),
    file: options.baseline,
    tolerances: mergeTolerances(scenario.baseline_tolerances, options.tolerances ? await loadTolerances(options.tolerances) : {}),
  };
}

/** The declaration, checked against the scenario given. */
function declarationFor(scenario: Scenario, read: K6ReadResult, interrupted: boolean): ScriptDeclaration {
  const files = read.files.join(', ');
  const d = read.declaration;
  if (d === null) {
    // Interrupted before it was read: take the exported script's own (it does none of the network's extras).
    if (interrupted) return { format: K6_FORMAT, scenario: scenario.name, seed: scenario.seed, notDone: ['standin', 'advices', 'timeout_reversals', 'conflicting_retries'] };
    throw new K6InputError(files, null, `no ${RUN_METRIC} point: not the output of a script written by \`faultline export k6\` (export it again and run it with k6 --out json=…)`);
  }
  if (d.scenario !== scenario.name || d.seed !== scenario.seed) {
    throw new K6InputError(
      read.declarationAt?.file ?? files,
      read.declarationAt?.line ?? null,
      `written by the script exported from scenario ${d.scenario} (seed ${d.seed}), not ${scenario.name} (seed ${scenario.seed}): pass the scenario it was exported from to --scenario`,
    );
  }
  if (read.requests === 0 && !interrupted) throw new K6InputError(files, null, `no ${REQUEST_METRIC} point: the k6 run sent no request`);
  return d;
}

export async function checkK6(scenario: Scenario, options: CheckK6Options): Promise<CheckK6Result> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const baseline = await loadBaseline(scenario, options);
  await answersHealth('ledger', options.ledgerUrl);
  if (options.feedUrl) await answersHealth('feed/balance API', options.feedUrl);

  const existed = options.out ? await stat(path.resolve(options.out)).then(() => true, () => false) : false;
  const runDir = await makeRunFolder(scenario.name, 'k6', options.out);
  const discard = async (): Promise<void> => {
    if (!existed) await rm(runDir, { recursive: true, force: true });
    else await Promise.all([HISTORY_FILE, HISTORY_FILE_GZ].map((f) => rm(path.join(runDir, f), { force: true })));
  };

  // What happened, not what the scenario would have done: no warm-up (the export has none), no stand-in.
  const ran: Scenario = { ...scenario, warmup_s: 0, network: { ...scenario.network, standin: { ...scenario.network.standin, enabled: false } } };
  const recorders = new Recorders(ran, runDir);
  const seeded = new Map(seedAccounts(scenario.seed, scenario.topology.accounts).map((a) => [a.id, a]));
  let writerOpen = true;
  try {
    const deadline = AbortSignal.timeout(options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const writer = recorders.writer;
    const read = await readK6Files(options.files, {
      signal,
      maxLineBytes: options.maxLineBytes,
      maxBytes: options.maxBytes,
      faultsAt: scheduledFaults(scenario.faults),
      account: (id) => seeded.get(id),
      onRecord: (r) => {
        recorders.record(r);
        return writer.backpressured ? writer.drained() : undefined;
      },
    });
    if (read.aborted && deadline.aborted && !options.signal?.aborted) {
      throw new CheckHarnessError(`reading the k6 output did not finish within ${Math.round((options.deadlineMs ?? DEFAULT_DEADLINE_MS) / 1000)} s (${read.lines} lines read): raise --deadline`);
    }
    const interrupted = read.aborted !== null;
    const declaration = declarationFor(scenario, read, interrupted);
    log(
      `faultline check: ${read.requests} requests in ${read.lines} lines of ${read.files.length === 1 ? read.files[0] : `${read.files.length} files`}` +
        `${read.droppedIterations ? `, ${read.droppedIterations} iterations k6 dropped` : ''}${interrupted ? ' (interrupted: judging what was read)' : ''}`,
    );
    const derivedText = derivedFields(read);
    if (derivedText.length > 0) log(`faultline check: missing from the k6 output and derived: ${derivedText.join('; ')}`);

    const history = await recorders.writer.close();
    writerOpen = false;
    const measured = recorders.aggregator.finish();
    // Without the scheduled send times (a ramping executor) lateness is not measured: NaN, not 0.
    const aggregate = read.intendedKnown
      ? measured
      : { ...measured, lateness: { p50: Number.NaN, p99: Number.NaN, max: Number.NaN, late_share: Number.NaN, sends: measured.lateness.sends } };

    const accountIds = [...seeded.keys()];
    if (options.feedUrl) {
      const reader = createLedgerReader({ ledgerUrl: options.ledgerUrl, feedUrl: options.feedUrl });
      try {
        const settleMs = interrupted ? Math.min(2000, options.settleMs ?? DEFAULT_SETTLE_MS) : (options.settleMs ?? DEFAULT_SETTLE_MS);
        const settled = await waitForFeed(reader, accountIds, settleMs, options.signal);
        if (!settled.agreed) log(`the feed still disagreed with the ledger after ${Math.round(settled.waitedMs / 100) / 10} s: feed-agrees judges what it read`);
      } finally {
        await reader.close();
      }
    }

    const checks = await checkRun(ran, { urls: { ledgerStore: options.ledgerUrl, feeds: options.feedUrl ? [options.feedUrl] : [] }, replicas: () => [] }, recorders, {
      historyPath: history.path,
      pendingAdvices: [],
      undeliveredAdvices: [],
      interrupted,
      clock: { start_epoch_ms: read.startEpochMs ?? Date.now(), slack_ms: options.clockSlackMs ?? DEFAULT_CLOCK_SLACK_MS },
    });
    const judged = markNotJudged(checks, notJudgedInvariants(scenario, declaration, options.feedUrl !== undefined));

    const timeline: Omit<FaultSummary, 'recovery_s'>[] = scenario.faults.map((f) => ({
      name: f.name,
      fault: f.fault,
      target: f.target,
      scheduled_s: f.start_s,
      applied_s: null,
      healed_s: null,
      scheduled_end_s: f.end_s,
      applied_elsewhere: true,
    }));
    const ctx: WriteRunContext = {
      scenario: ran,
      options: { report: options.report, command: options.command },
      runDir,
      startedAt: new Date(read.startEpochMs ?? Date.now()).toISOString(),
      baseline,
      topology: { mode: 'external' },
    };
    const summary = await writeRun(
      ctx,
      {
        incomplete: interrupted,
        aggregate,
        load: { model: 'open', target_rate: scenario.traffic.rate, achieved_rate: aggregate.load.achieved_rate, sent: aggregate.load.sent, dropped: read.droppedIterations },
        timeline,
        advices: { queued: 0, delivered: 0, attempts: 0, pending: 0 },
        checks: judged,
        // The driver was k6: its event loop is not faultline's to measure.
        eventLoop: { p50: Number.NaN, p99: Number.NaN, max: Number.NaN },
        historyFile: path.basename(history.path),
        loadSource: loadSource(scenario, read, declaration),
      },
      versions(),
    );
    return { summary, runDir };
  } catch (err) {
    if (writerOpen) await recorders.writer.close().catch(() => undefined);
    await discard();
    if (err instanceof LedgerReadError) throw new CheckHarnessError(`reading the ledger or the feed failed: ${err.message}`);
    throw err;
  }
}

/** "currency in 12 requests (from the currency of the scenario's seeded account)", one per field derived. */
function derivedFields(read: K6ReadResult): string[] {
  return Object.entries(read.derived).map(([field, n]) => `${field} in ${n} request${n === 1 ? '' : 's'} (from ${DERIVABLE[field as DerivableField]})`);
}

function loadSource(scenario: Scenario, read: K6ReadResult, declaration: ScriptDeclaration): LoadSource {
  const notMeasured = ["driver event-loop delay: k6 sent the load, faultline's driver did not run"];
  if (!read.intendedKnown) notMeasured.push("send lateness: the script could not tell each request's scheduled send time (a ramping executor)");
  if (scenario.faults.length > 0) notMeasured.push('fault activation: the fault timeline ran in another process (faultline faults); its windows are taken at their schedule');
  const notDone: Record<ScriptDeclaration['notDone'][number], string> = {
    standin: 'stand-in (an authorization without a usable answer is failed or unknown)',
    advices: 'stand-in advices',
    timeout_reversals: 'timeout reversals (an unknown authorization the issuer held stays held)',
    conflicting_retries: 'conflicting retries',
  };
  return {
    tool: 'k6',
    file: read.files.join(', '),
    format: declaration.format,
    lines: read.lines,
    requests: read.requests,
    dropped_iterations: read.droppedIterations,
    not_measured: notMeasured,
    not_done: declaration.notDone.map((f) => notDone[f]),
    ...(Object.keys(read.derived).length > 0 ? { derived: read.derived } : {}),
  };
}
