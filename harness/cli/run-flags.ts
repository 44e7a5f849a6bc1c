// `faultline run`'s flags, parsed once before anything starts: each is checked (a bad one is a UsageError,
// exit 2, naming the flag and what it got) and typed. Only these values go down, to the scenario's
// overrides, the live metrics and the runner; commander's options object stays in the CLI.
import { ROUTER_POLICIES, type Replacements } from '../scenario/schema.ts';
import type { ScenarioOverrides } from '../scenario/overrides.ts';
import type { RunOptions } from '../runner/run.ts';
import type { RepeatFlags } from '../runner/repeat-command.ts';
import { LOAD_MODELS } from '../summary/types.ts';
import type { RouterTuning } from '../../services/router/tuning-override.ts';
import { UsageError } from './exit-codes.ts';
import { choiceFlag, durationFlag, positiveNumber, seedFlag, textFlag } from './flags.ts';
import { replaceFlags } from './replace-flags.ts';
import { routerTuningFlag } from './router-tuning-flag.ts';
import { metricsLingerFlag, metricsPortFlag } from './metrics-flags.ts';

export interface RunFlags {
  overrides: ScenarioOverrides;
  /** What the runner is told besides the scenario. */
  run: Required<Pick<RunOptions, 'mode' | 'report'>> & Pick<RunOptions, 'out' | 'replay' | 'speed' | 'baseline' | 'tolerances'>;
  /** --metrics-port (absent: no endpoint) and --metrics-linger in seconds. */
  metrics: { port?: number; lingerS: number };
  /** The flags the repeat command repeats, as typed, and the --router-tuning given. */
  repeat: { flags: RepeatFlags; routerTuning?: RouterTuning };
}

/** Parses the flags; `scenarioReplace` is the loaded scenario's own `replace:` block, for conflicts with --replicas. */
export function parseRunFlags(o: Readonly<Record<string, unknown>>, scenarioReplace: Replacements): RunFlags {
  if (o.replay === undefined && o.speed !== undefined) throw new UsageError('--speed applies to --replay only');
  const seed = seedFlag(o.seed);
  const { replace, replicas } = replaceFlags(o, scenarioReplace);
  const routerTuning = routerTuningFlag(o.routerTuning);
  const overrides: ScenarioOverrides = {
    duration: durationFlag('--duration', o.duration, { max: 3600 }),
    warmup: durationFlag('--warmup', o.warmup, { max: 600, allowZero: true }),
    rate: positiveNumber('--rate', o.rate, { max: 50_000 }),
    seed,
    router: choiceFlag('--router', o.router, ROUTER_POLICIES),
    standin: typeof o.standin === 'boolean' ? o.standin : undefined,
    model: choiceFlag('--model', o.model, LOAD_MODELS),
    connections: positiveNumber('--connections', o.connections, { integer: true, max: 1000 }),
    replace,
    replicas,
    routerTuning,
  };
  const speed = speedFlag(o.speed);
  const port = metricsPortFlag(o.metricsPort);
  return {
    overrides,
    run: {
      out: textFlag(o.out),
      replay: textFlag(o.replay),
      speed,
      mode: choiceFlag('--mode', o.mode, ['embedded', 'compose'] as const) ?? 'embedded',
      baseline: textFlag(o.baseline),
      tolerances: textFlag(o.tolerances),
      report: o.report !== false,
    },
    metrics: { port, lingerS: metricsLingerFlag(o.metricsLinger, port) },
    repeat: { flags: repeatFlags(o), routerTuning },
  };
}

/** --speed's range: 100× a recording's pace, or a hundredth of it (a 10 s recording then lasts 17 min). */
export const SPEED_RANGE = { min: 0.01, max: 100 } as const;

function speedFlag(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const speed = Number(raw);
  if (!Number.isFinite(speed) || speed < SPEED_RANGE.min || speed > SPEED_RANGE.max) {
    throw new UsageError(`--speed must be a number from ${SPEED_RANGE.min} to ${SPEED_RANGE.max} (1 = as recorded, 2 = twice as fast), got "${String(raw)}"`);
  }
  return speed;
}

/** The flags a repeat command repeats, as the user typed them (each already checked above). */
function repeatFlags(o: Readonly<Record<string, unknown>>): RepeatFlags {
  const list = (raw: unknown): string[] => (raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)]);
  return {
    duration: textFlag(o.duration),
    warmup: textFlag(o.warmup),
    rate: textFlag(o.rate),
    replay: textFlag(o.replay),
    speed: textFlag(o.speed),
    model: textFlag(o.model),
    connections: textFlag(o.connections),
    mode: textFlag(o.mode),
    baseline: textFlag(o.baseline),
    replace: list(o.replace),
    replaceUrl: list(o.replaceUrl),
    replicas: list(o.replicas),
  };
}
