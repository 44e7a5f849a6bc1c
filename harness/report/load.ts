// Reads a run folder's summary.json for the report, filling what an interrupted or older run left out
// so a partial summary still renders instead of crashing the report.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Summary } from '../summary/types.ts';

export class SummaryError extends Error {
  override readonly name = 'SummaryError';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ZERO_LATENCY = { p50: 0, p95: 0, p99: 0, max: 0 };

export function normalizeSummary(raw: unknown, file = 'summary.json'): Summary {
  if (!isObject(raw)) throw new SummaryError(`${file}: not a JSON object`);
  if (typeof raw.scenario !== 'string') throw new SummaryError(`${file}: missing "scenario": not a faultline summary`);
  if (!isObject(raw.authorizations)) throw new SummaryError(`${file}: missing "authorizations": not a faultline summary`);
  const s = raw as Partial<Summary>;
  const a = s.authorizations as Partial<Summary['authorizations']>;
  const n = (v: unknown, d = 0): number => (typeof v === 'number' ? v : d);
  return {
    scenario: s.scenario as string,
    description: s.description ?? '',
    seed: n(s.seed),
    router: s.router ?? 'hardened',
    standin: s.standin ?? true,
    mode: s.mode ?? 'embedded',
    duration_s: n(s.duration_s),
    started_at: s.started_at ?? '',
    incomplete: s.incomplete ?? false,
    authorizations: {
      total: n(a.total),
      approved: n(a.approved),
      declined: n(a.declined),
      standin_approved: n(a.standin_approved),
      standin_declined: n(a.standin_declined),
      failed: n(a.failed),
      unknown: n(a.unknown),
      success_rate: n(a.success_rate),
      issuer_success_rate: n(a.issuer_success_rate),
    },
    latency_ms: { ...ZERO_LATENCY, ...s.latency_ms },
    load: { model: 'open', target_rate: 0, achieved_rate: 0, late: 0, dropped: 0, sent: 0, ...s.load },
    phases: (s.phases ?? []).map((p) => ({ ...p, latency_ms: { ...ZERO_LATENCY, ...p.latency_ms } })),
    faults: s.faults ?? [],
    app: {
      total: 0,
      success_rate: 0,
      ...s.app,
      balance: { total: 0, ok: 0, ...s.app?.balance },
      feed: { total: 0, ok: 0, ...s.app?.feed },
    },
    reversals: { total: 0, ok: 0, ...s.reversals },
    advices: { queued: 0, delivered: 0, attempts: 0, pending: 0, ...s.advices },
    unknown_resolution: { total: 0, held: 0, not_held: 0, unresolved: 0, ...s.unknown_resolution },
    causes: s.causes ?? {},
    causes_by_fault: s.causes_by_fault ?? {},
    retry_amplification: n(s.retry_amplification, Number.NaN),
    timeseries: s.timeseries ?? [],
    invariants: (s.invariants ?? []).map((i) => ({ ...i, offending: i.offending ?? [], count: n(i.count) })),
    thresholds: s.thresholds ?? [],
    ...(s.baseline ? { baseline: s.baseline } : {}),
    passed: s.passed ?? false,
    verdict: s.verdict ?? [],
    command: s.command ?? '',
    versions: { faultline: '', node: '', platform: '', ...s.versions },
    files: { history: '', ...s.files },
  };
}

export async function readSummary(runDir: string): Promise<Summary> {
  const file = join(runDir, 'summary.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SummaryError(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no summary.json in this run folder' : (err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SummaryError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  return normalizeSummary(raw, file);
}
