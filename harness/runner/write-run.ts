// The end of a run: its fault windows with recovery, its validity, its summary and verdict, written to
// the run folder, and the report rendered from it (no card number in any of it).
import path from 'node:path';
import type { AggregateResult, FaultSummary, Summary } from '../summary/types.ts';
import { withRecovery, successRateThreshold } from '../history/recovery.ts';
import { decide, applyDecision } from '../gate/verdict.ts';
import { judgeValidity, validityLimits } from '../gate/validity.ts';
import { assembleSummary, type SummaryParts } from '../summary/assemble.ts';
import { validityFigures, type MachineFigures } from '../summary/validity-figures.ts';
import { writeSummaryReport } from '../report/report.ts';
import { stringifyMasked } from '../../services/common/pan.ts';
import { replacedServices } from '../scenario/replacements.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import type { RunContext } from './context.ts';
import { repeatRunCommand } from './repeat-command.ts';

/** What writing a run needs of its context: `faultline check` writes one without a topology of its own. */
export type WriteRunContext = Pick<RunContext, 'scenario' | 'options' | 'runDir' | 'startedAt' | 'baseline'> & { topology: { mode: Summary['mode'] } };

/** Fault summaries with recovery; a window lasting to the end of traffic has none to measure. */
function faultsWithRecovery(ctx: Pick<RunContext, 'scenario'>, timeline: Omit<FaultSummary, 'recovery_s'>[], aggregate: AggregateResult): FaultSummary[] {
  const { scenario } = ctx;
  return withRecovery(
    timeline.map((f) => ({ ...f, recovery_s: null })),
    aggregate.phases,
    aggregate.timeseries,
    { threshold: successRateThreshold(scenario.thresholds) },
  ).map((f) => (f.scheduled_end_s < scenario.traffic.duration_s ? { ...f, recovery_applicable: true } : { ...f, recovery_s: null, recovery_applicable: false }));
}

export async function writeRun(
  ctx: WriteRunContext,
  parts: Omit<SummaryParts, 'scenario' | 'mode' | 'startedAt' | 'validity' | 'command' | 'versions' | 'faults'> & {
    /** The fault windows as they ran; their recovery is measured here, from the aggregate. */
    timeline: Omit<FaultSummary, 'recovery_s'>[];
    eventLoop: Summary['validity']['figures']['event_loop_delay_ms'];
    /** What the machine did besides the driver: foreign CPU, advices the driver never delivered. */
    machine?: MachineFigures;
  },
  versions: Summary['versions'],
): Promise<Summary> {
  const { scenario, options } = ctx;
  const { eventLoop, machine, timeline, ...rest } = parts;
  const faults = faultsWithRecovery(ctx, timeline, parts.aggregate);
  const validity = judgeValidity(validityFigures(eventLoop, parts.aggregate, faults, machine), validityLimits(scenario.validity));
  let summary = assembleSummary({
    ...rest,
    faults,
    scenario: {
      name: scenario.name,
      description: scenario.description,
      seed: scenario.seed,
      router: scenario.topology.router,
      router_tuning: scenario.topology.router_tuning,
      standin: scenario.network.standin.enabled,
      duration_s: scenario.traffic.duration_s,
      baseline_tolerances: scenario.baseline_tolerances,
    },
    mode: ctx.topology.mode,
    replaced: replacedServices(scenario),
    startedAt: ctx.startedAt,
    validity,
    command: options.command ?? repeatRunCommand(scenario),
    versions,
  });
  summary = applyDecision(summary, decide(summary, scenario.thresholds, ctx.baseline));
  if (options.report !== false) summary.files = { ...summary.files, report: 'index.html', junit: 'junit.xml' };
  await writeFileAtomic(path.join(ctx.runDir, 'summary.json'), stringifyMasked(summary, 2) + '\n');
  // The report renders the summary held here (it masks card numbers itself), not summary.json read back:
  // byte for byte what `faultline report <folder>` rebuilds from disk (test/report/from-memory.test.ts).
  if (options.report !== false) await writeSummaryReport(ctx.runDir, summary);
  return summary;
}
