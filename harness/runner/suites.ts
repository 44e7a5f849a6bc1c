// Named sets of runs (scenarios/suites.json): `faultline suite nightly` runs the whole catalog.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CATALOG_DIR } from '../scenario/load.ts';
import { ScenarioError } from '../scenario/errors.ts';
import path from 'node:path';

const suiteRunSchema = z.strictObject({
  scenario: z.string().min(1),
  label: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/).optional(),
  router: z.enum(['naive', 'hardened']).optional(),
  standin: z.boolean().optional(),
  duration: z.number().positive().optional(),
  rate: z.number().positive().optional(),
});

const suitesSchema = z.record(z.string(), z.strictObject({ description: z.string(), runs: z.array(suiteRunSchema).min(1) }));

export type SuiteRunSpec = z.output<typeof suiteRunSchema>;
export type Suites = z.output<typeof suitesSchema>;

export const SUITES_FILE = path.join(CATALOG_DIR, 'suites.json');

export async function loadSuites(): Promise<Suites> {
  const text = await readFile(SUITES_FILE, 'utf8');
  const parsed = suitesSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScenarioError('scenarios/suites.json', (issue?.path ?? []).join('.'), issue?.message ?? 'invalid');
  }
  return parsed.data;
}
