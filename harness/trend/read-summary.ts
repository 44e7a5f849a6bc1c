// Reads one run's summary.json for the trend page: size-capped before it is read whole, parsed, and held to
// the fields the trend reads (scenario, started_at, verdict, thresholds, baseline deltas). A file that fails
// any of that is skipped by the caller with a warning naming it; it never stops the page.
//
// Every summary is first held to the shared summary.json schema (harness/summary/schema.ts, through
// normalizeSummary); the schema below only adds what the trend needs and other readers may do without:
// a start time to order the nights, a verdict, the thresholds and the baseline deltas.
import { z } from 'zod';
import { readInputText } from '../files/input-file.ts';
import { normalizeSummary, SummaryError } from '../report/load.ts';
import type { Summary } from '../summary/types.ts';

/** Largest summary.json read (a one-hour run with its per-second series is well under 2 MiB). */
export const MAX_SUMMARY_BYTES = 16 * 1024 * 1024;

/** A summary.json the trend cannot use: the message names the file and what is wrong with it. */
export class TrendInputError extends Error {
  override readonly name = 'TrendInputError';
}

const finiteOrNull = z.number().nullable();
const thresholdSchema = z.looseObject({
  metric: z.string().min(1).max(400),
  expression: z.string().min(1).max(200),
  ok: z.boolean(),
  actual: finiteOrNull,
});
const deltaSchema = z.looseObject({
  metric: z.string().min(1).max(400),
  // "Never recovered" (Infinity) is null in JSON, in the baseline, the actual and the tolerance alike.
  baseline: finiteOrNull,
  actual: finiteOrNull,
  delta: finiteOrNull.optional(),
  tolerance: finiteOrNull,
  ok: z.boolean(),
});
const countsSchema = z.looseObject({
  total: z.number().nonnegative(),
  failed: z.number().nonnegative(),
  unknown: z.number().nonnegative(),
  success_rate: z.number(),
  issuer_success_rate: z.number(),
});
const summarySchema = z.looseObject({
  scenario: z.string().min(1).max(200),
  router: z.string().max(40).optional(),
  started_at: z.string().refine((s) => Number.isFinite(Date.parse(s)), { message: 'not a date and time' }),
  // Older summaries carry the verdict as an array of lines (report/load.ts reads both).
  verdict: z.union([z.enum(['passed', 'failed', 'inconclusive']), z.array(z.string())]),
  incomplete: z.boolean().optional(),
  authorizations: countsSchema,
  phases: z.array(z.looseObject({ name: z.string(), authorizations: z.number() })),
  faults: z.array(z.looseObject({ name: z.string() })),
  thresholds: z.array(thresholdSchema).max(10_000),
  baseline: z.looseObject({ file: z.string().optional(), deltas: z.array(deltaSchema).max(10_000), ok: z.boolean().optional() }).optional(),
});

/** The summary the trend reads, or a TrendInputError naming the file and the first bad field. */
export function guardSummary(raw: unknown, file: string): Summary {
  const result = summarySchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.map(String).join('.') || '(root)';
    throw new TrendInputError(`${file}: not a faultline summary: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  try {
    return normalizeSummary(raw, file);
  } catch (err) {
    if (err instanceof SummaryError) throw new TrendInputError(err.message);
    throw err;
  }
}

export async function readRunSummary(file: string, maxBytes = MAX_SUMMARY_BYTES): Promise<Summary> {
  let text: string;
  try {
    // Bounded before it is read whole, the same reader every command uses (a named pipe has a deadline).
    text = await readInputText(file, { maxBytes, what: 'a summary.json' });
  } catch (err) {
    if ((err as Error).name === 'InputFileError') throw new TrendInputError((err as Error).message);
    throw new TrendInputError(`${file}: cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TrendInputError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  return guardSummary(raw, file);
}
