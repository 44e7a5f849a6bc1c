// The command that repeats a run, shown in the report and summary.json: one place builds it for
// `faultline run` (with the flags the user gave, as typed, handed down by the CLI), `faultline suite` and
// a run started from code.
import type { Scenario } from '../scenario/schema.ts';

/** The run flags that change what a run does, repeated as given (mode only when it is not the default). */
const REPEATED_FLAGS = ['duration', 'warmup', 'rate', 'replay', 'speed', 'model', 'connections', 'mode', 'baseline'] as const;
const REPEATED_LISTS = [
  ['--replace', 'replace'],
  ['--replace-url', 'replaceUrl'],
  ['--replicas', 'replicas'],
] as const;

/** The run flags the command repeats, each as the user typed it (the CLI has checked them all). */
export type RepeatFlags = Partial<Record<(typeof REPEATED_FLAGS)[number], string> & Record<(typeof REPEATED_LISTS)[number][1], readonly string[]>>;

export interface RepeatOptions {
  /** The scenario as the user named it (a catalog name or a file); default the scenario's name. */
  name?: string;
  flags?: RepeatFlags;
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
  const given = options.flags ?? {};
  for (const flag of REPEATED_FLAGS) {
    const value = given[flag];
    if (value !== undefined && !(flag === 'mode' && value === 'embedded')) parts.push(`--${flag} ${value}`);
  }
  for (const [flag, key] of REPEATED_LISTS) {
    for (const value of given[key] ?? []) parts.push(`${flag} ${shellWord(value)}`);
  }
  if (options.routerTuning) parts.push(`--router-tuning ${shellWord(options.routerTuning)}`);
  return parts.join(' ');
}

/** A value as one shell word: `ledger=node x.js` -> `'ledger=node x.js'`. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
