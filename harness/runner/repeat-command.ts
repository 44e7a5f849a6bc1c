// The command that repeats a run, shown in the report and summary.json: one place builds it for
// `faultline run` (with the flags the user gave), `faultline suite` and a run started from code.
import type { Scenario } from '../scenario/schema.ts';

/** The run flags that change what a run does, repeated as given (mode only when it is not the default). */
const REPEATED_FLAGS = ['duration', 'warmup', 'rate', 'replay', 'speed', 'model', 'connections', 'mode', 'baseline'] as const;
const REPEATED_LISTS = [
  ['--replace', 'replace'],
  ['--replace-url', 'replaceUrl'],
  ['--replicas', 'replicas'],
] as const;

export interface RepeatOptions {
  /** The scenario as the user named it (a catalog name or a file); default the scenario's name. */
  name?: string;
  /** The run's command-line options (commander's, by camelCase key). */
  flags?: Readonly<Record<string, unknown>>;
  /** The --router-tuning text, when the run overrode the scenario's. */
  routerTuning?: string;
}

export function repeatRunCommand(scenario: Scenario, options: RepeatOptions = {}): string {
  const parts = [
    'npx faultline run',
    options.name ?? scenario.name,
    `--seed ${scenario.seed}`,
    `--router ${scenario.topology.router}`,
    scenario.network.standin.enabled ? '--standin' : '--no-standin',
  ];
  const o = options.flags ?? {};
  for (const flag of REPEATED_FLAGS) {
    if (o[flag] !== undefined && !(flag === 'mode' && o[flag] === 'embedded')) parts.push(`--${flag} ${String(o[flag])}`);
  }
  for (const [flag, key] of REPEATED_LISTS) {
    for (const value of (o[key] as string[] | undefined) ?? []) parts.push(`${flag} ${shellWord(value)}`);
  }
  if (options.routerTuning) parts.push(`--router-tuning ${shellWord(options.routerTuning)}`);
  return parts.join(' ');
}

/** A value as one shell word: `ledger=node x.js` -> `'ledger=node x.js'`. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
