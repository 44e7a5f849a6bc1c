// The faultline_run point: what the exported script says about itself (vocabulary.ts RUN_FIELDS). Every
// declaration in the files must agree; the scenario and seed must be the ones `faultline check` is given.
import { LineProblem, type PointLine } from './envelope.ts';
import { K6_FORMAT, RUN_FIELDS, RUN_METRIC, type RunField } from './vocabulary.ts';

export interface ScriptDeclaration {
  format: string;
  scenario: string;
  seed: number;
  /** What faultline's card network does that the script does not, by field (standin, advices, …). */
  notDone: Array<Exclude<RunField, 'format' | 'faultline_scenario' | 'faultline_seed' | 'intended'>>;
}

const NOT_DONE_FIELDS = ['standin', 'advices', 'timeout_reversals', 'conflicting_retries'] as const;

export function readDeclaration(p: PointLine): ScriptDeclaration {
  const tag = (name: RunField): string | undefined => p.tags[name] ?? p.metadata[name];
  const format = tag('format');
  if (format !== K6_FORMAT) {
    throw new LineProblem(`${RUN_METRIC} point: "format" must be ${JSON.stringify(K6_FORMAT)} (re-export the script with this faultline), got ${JSON.stringify(format ?? null)}`);
  }
  const scenario = tag('faultline_scenario');
  if (!scenario) throw new LineProblem(`${RUN_METRIC} point: "faultline_scenario" is missing (${RUN_FIELDS.faultline_scenario})`);
  const seedText = tag('faultline_seed') ?? '';
  const seed = /^\d{1,15}$/.test(seedText) ? Number(seedText) : Number.NaN;
  if (!Number.isInteger(seed)) throw new LineProblem(`${RUN_METRIC} point: "faultline_seed" must be a whole number, got ${JSON.stringify(seedText)}`);
  const notDone = NOT_DONE_FIELDS.filter((f) => tag(f) !== 'done');
  return { format, scenario, seed, notDone };
}

export function sameDeclaration(a: ScriptDeclaration, b: ScriptDeclaration): boolean {
  return a.format === b.format && a.scenario === b.scenario && a.seed === b.seed && a.notDone.join() === b.notDone.join();
}
