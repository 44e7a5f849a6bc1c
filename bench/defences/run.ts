// `npm run defences`: the defence × scenario matrix. For each scenario of bench/defences/matrix.ts it runs
// the scenario as it is (the control, which must pass), then once per defence that scenario must catch,
// with that defence alone switched off (--router-tuning <defence>=off), each gated against the kept
// baseline (<baseline-dir>/<scenario>.json, when there is one). A run that comes out inconclusive is run
// once more. It writes matrix.md (the README's table) and matrix.json beside the run folders.
//
//   npm run defences -- [--defence <name>]... [--scenario <name>]... [--baseline-dir reports/baselines]
//                       [--out <dir>] [--duration <d>] [--warmup <d>] [--rate <per-second>] [--no-control]
// (--duration, --warmup and --rate are for quick tries on a busy machine: the baselines were measured at the
// scenarios' own length and rate, so a gate against them reads shortened runs only roughly.)
//
// Exit 0: every defence asked for was caught (its run failed its gate) and every control passed; 1: a
// defence was not caught by a conclusive run, or a control failed (the gate would be a false alarm);
// 4: some cell stayed inconclusive, so not everything could be decided; 2: bad usage; 130: interrupted.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFENCES, isDefenceName, type DefenceName } from '../../services/router/defences.ts';
import { parseRouterTuning, routerTuningText } from '../../services/router/tuning-override.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { applyOverrides } from '../../harness/scenario/overrides.ts';
import { parseDuration } from '../../harness/scenario/duration.ts';
import { runScenario } from '../../harness/runner/run.ts';
import { REPORTS_DIR, timestamp } from '../../harness/runner/run-folder.ts';
import { onInterrupt } from '../../harness/cli/signals.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import type { Summary } from '../../harness/summary/types.ts';
import { DEFENCE_MATRIX } from './matrix.ts';
import { matrixMarkdown, type CellResult } from './table.ts';

export class MatrixUsageError extends Error {
  override readonly name = 'MatrixUsageError';
}

export interface MatrixArgs {
  defences: DefenceName[];
  scenarios: string[];
  baselineDir: string;
  out: string | null;
  duration?: number;
  warmup?: number;
  rate?: number;
  control: boolean;
}

const USAGE = `usage: npm run defences -- [--defence <name>]... [--scenario <name>]... [--baseline-dir <dir>] [--out <dir>]
                            [--duration <d>] [--warmup <d>] [--rate <per-second>] [--no-control]
defences: ${DEFENCES.join(', ')}`;

export function parseMatrixArgs(argv: readonly string[]): MatrixArgs {
  const args: MatrixArgs = { defences: [], scenarios: [], baselineDir: path.join(REPORTS_DIR, 'baselines'), out: null, control: true };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new MatrixUsageError(`${flag} needs a value\n${USAGE}`);
    return v;
  };
  const seconds = (flag: string, raw: string, allowZero: boolean): number => {
    let s: number;
    try {
      s = parseDuration(raw, flag);
    } catch (err) {
      throw new MatrixUsageError((err as Error).message);
    }
    if (s === 0 && !allowZero) throw new MatrixUsageError(`${flag} must be longer than 0`);
    return s;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--defence') {
      const d = value(i++, a);
      if (!isDefenceName(d)) throw new MatrixUsageError(`--defence: "${d}" is not a defence; one of ${DEFENCES.join(', ')}`);
      args.defences.push(d);
    } else if (a === '--scenario') args.scenarios.push(value(i++, a));
    else if (a === '--baseline-dir') args.baselineDir = path.resolve(value(i++, a));
    else if (a === '--out') args.out = path.resolve(value(i++, a));
    else if (a === '--duration') args.duration = seconds(a, value(i++, a), false);
    else if (a === '--warmup') args.warmup = seconds(a, value(i++, a), true);
    else if (a === '--rate') {
      const raw = value(i++, a);
      const n = Number(raw);
      if (!Number.isFinite(n) || n <= 0 || n > 50_000) throw new MatrixUsageError(`--rate must be a positive number up to 50000, got "${raw}"`);
      args.rate = n;
    } else if (a === '--no-control') args.control = false;
    else if (a === '--help' || a === '-h') throw new MatrixUsageError(USAGE);
    else throw new MatrixUsageError(`unknown argument "${a}"\n${USAGE}`);
  }
  if (!existsSync(args.baselineDir)) throw new MatrixUsageError(`--baseline-dir ${args.baselineDir} does not exist`);
  const known = new Set(Object.values(DEFENCE_MATRIX).flatMap((cells) => cells.map((c) => c.scenario)));
  for (const s of args.scenarios) if (!known.has(s)) throw new MatrixUsageError(`--scenario: "${s}" is not in the matrix; one of ${[...known].join(', ')}`);
  return args;
}

export interface PlannedCell {
  scenario: string;
  /** null: the control run, every defence on. */
  defence: DefenceName | null;
  expect: string;
}

/** The runs, scenario by scenario: its control first, then one per defence it must catch. */
export function planMatrix(args: Pick<MatrixArgs, 'defences' | 'scenarios' | 'control'>): PlannedCell[] {
  const wanted = (d: DefenceName): boolean => args.defences.length === 0 || args.defences.includes(d);
  const byScenario = new Map<string, PlannedCell[]>();
  for (const defence of DEFENCES) {
    if (!wanted(defence)) continue;
    for (const cell of DEFENCE_MATRIX[defence]) {
      if (args.scenarios.length > 0 && !args.scenarios.includes(cell.scenario)) continue;
      const list = byScenario.get(cell.scenario) ?? [];
      list.push({ scenario: cell.scenario, defence, expect: cell.expect });
      byScenario.set(cell.scenario, list);
    }
  }
  const plan: PlannedCell[] = [];
  for (const [scenario, cells] of byScenario) {
    if (args.control) plan.push({ scenario, defence: null, expect: 'passes its gate: every defence on' });
    plan.push(...cells);
  }
  return plan;
}

const say = (line: string): void => void process.stderr.write(`${line}\n`);

function cellResult(cell: PlannedCell, summary: Summary, runDir: string, reran: boolean, baseline: string | null): CellResult {
  const a = summary.authorizations;
  return {
    scenario: cell.scenario,
    defence: cell.defence,
    expect: cell.expect,
    verdict: summary.verdict,
    incomplete: summary.incomplete,
    reasons: summary.reasons,
    issuer_success_rate: a.issuer_success_rate,
    success_rate: a.success_rate,
    retry_amplification: summary.retry_amplification,
    failed_unknown: a.failed + a.unknown,
    total: a.total,
    run: runDir,
    reran,
    baseline,
  };
}

export async function runMatrix(args: MatrixArgs): Promise<number> {
  const plan = planMatrix(args);
  if (plan.length === 0) throw new MatrixUsageError('nothing to run: no defence of the matrix is caught by the scenarios asked for');
  const scenarios = new Map<string, Scenario>();
  for (const cell of plan) if (!scenarios.has(cell.scenario)) scenarios.set(cell.scenario, (await loadScenario(cell.scenario)).scenario);
  const outDir = args.out ?? path.join(REPORTS_DIR, 'defences', timestamp());
  await mkdir(outDir, { recursive: true });
  say(`defences: ${plan.length} runs -> ${path.relative(process.cwd(), outDir) || outDir}`);
  const controller = new AbortController();
  const release = onInterrupt(() => controller.abort());
  const results: CellResult[] = [];
  try {
    for (const cell of plan) {
      if (controller.signal.aborted) break;
      const loaded = scenarios.get(cell.scenario) as Scenario;
      const routerTuning = cell.defence ? parseRouterTuning({ [cell.defence]: 'off' }) : undefined;
      const scenario = applyOverrides(loaded, { duration: args.duration, warmup: args.warmup, rate: args.rate, routerTuning });
      const baselineFile = path.join(args.baselineDir, `${cell.scenario}.json`);
      const baseline = existsSync(baselineFile) ? baselineFile : null;
      const label = `${cell.scenario}-${cell.defence ? `no-${cell.defence.replaceAll('_', '-')}` : 'control'}`;
      const tuning = routerTuningText(scenario.topology.router_tuning);
      const command =
        `npx faultline run ${cell.scenario} --seed ${scenario.seed}` +
        (args.duration !== undefined ? ` --duration ${args.duration}s` : '') +
        (args.warmup !== undefined ? ` --warmup ${args.warmup}s` : '') +
        (args.rate !== undefined ? ` --rate ${args.rate}` : '') +
        (tuning ? ` --router-tuning ${tuning}` : '') +
        (baseline ? ` --baseline ${path.relative(process.cwd(), baseline)}` : '');
      const once = async (attempt: number): Promise<{ summary: Summary; runDir: string }> => {
        say(`${label}${attempt > 1 ? ' (again: the first was inconclusive)' : ''}${baseline ? '' : ' (no baseline: thresholds only)'}…`);
        return runScenario(scenario, {
          out: path.join(outDir, attempt === 1 ? label : `${label}-rerun`),
          baseline: baseline ?? undefined,
          signal: controller.signal,
          progress: false,
          command,
          log: () => undefined,
        });
      };
      let run = await once(1);
      let reran = false;
      if (run.summary.verdict === 'inconclusive' && !run.summary.incomplete && !controller.signal.aborted) {
        reran = true;
        run = await once(2);
      }
      const result = cellResult(cell, run.summary, path.relative(outDir, run.runDir), reran, baseline ? path.relative(process.cwd(), baseline) : null);
      results.push(result);
      say(`  ${run.summary.verdict.toUpperCase()}: issuer ${(result.issuer_success_rate * 100).toFixed(2)}%, retries x${result.retry_amplification}` + (run.summary.verdict === 'passed' ? '' : ` — ${run.summary.reasons.slice(0, 2).join('; ')}`));
    }
  } finally {
    release();
  }
  const markdown = matrixMarkdown(results);
  await writeFile(path.join(outDir, 'matrix.md'), markdown);
  await writeFile(path.join(outDir, 'matrix.json'), `${JSON.stringify({ at: new Date().toISOString(), args: { ...args, out: outDir }, results }, null, 2)}\n`);
  process.stdout.write(markdown);
  say(`wrote ${path.relative(process.cwd(), path.join(outDir, 'matrix.md'))}`);
  if (controller.signal.aborted || results.length < plan.length) return 130;
  return matrixExitCode(results);
}

/**
 * 1 when a control failed (the gate would be a false alarm), or a defence was not caught though every one of
 * its runs was conclusive; else 4 when something stayed undecided (inconclusive); else 0.
 */
export function matrixExitCode(results: readonly CellResult[]): number {
  const conclusive = (r: CellResult): boolean => r.verdict !== 'inconclusive' && !r.incomplete;
  const controlsFailed = results.some((r) => r.defence === null && r.verdict === 'failed');
  const defences = [...new Set(results.filter((r) => r.defence !== null).map((r) => r.defence as DefenceName))];
  const runsOf = (d: DefenceName): CellResult[] => results.filter((r) => r.defence === d);
  const caught = (d: DefenceName): boolean => runsOf(d).some((r) => r.verdict === 'failed');
  if (controlsFailed || defences.some((d) => !caught(d) && runsOf(d).every(conclusive))) return 1;
  const undecided = defences.some((d) => !caught(d)) || results.some((r) => r.defence === null && !conclusive(r));
  return undecided ? 4 : 0;
}

async function main(): Promise<number> {
  try {
    return await runMatrix(parseMatrixArgs(process.argv.slice(2)));
  } catch (err) {
    if (err instanceof MatrixUsageError || (err as Error).name === 'ScenarioError') {
      process.stderr.write(`defences: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
