// What `faultline contract` prints: one table row per check, then, for each failure, why and the first
// offending request and response (with the exchanges that led to it). Card numbers are masked in every
// body shown, long strings inside JSON are shortened and whole bodies are cut to a screenful.
import { redactCardNumbers } from '../../../services/common/pan.ts';
import type { JsonValue } from '../types.ts';
import { answered, type CheckResult, type Exchange, type Verdict } from './types.ts';

const MAX_BODY_CHARS = 600;
const MAX_STRING_CHARS = 60;
const MAX_DETAIL_CHARS = 110;
const RESULT: Record<Verdict, string> = { pass: 'pass', fail: 'FAIL', info: 'info', skip: 'skip' };

export function formatTable(results: readonly CheckResult[]): string[] {
  const subjectWidth = Math.min(64, Math.max(7, ...results.map((r) => r.subject.length)));
  const lines = [`  ${'check'.padEnd(12)} ${'subject'.padEnd(subjectWidth)}  result  reqs  detail`];
  for (const r of results) {
    const subject = r.subject.length > subjectWidth ? `${r.subject.slice(0, subjectWidth - 1)}…` : r.subject;
    const detail = r.detail.length > MAX_DETAIL_CHARS ? `${r.detail.slice(0, MAX_DETAIL_CHARS - 1)}…` : r.detail;
    lines.push(`  ${r.family.padEnd(12)} ${subject.padEnd(subjectWidth)}  ${RESULT[r.verdict].padEnd(6)}  ${String(r.requests).padStart(4)}  ${redactCardNumbers(detail)}`);
  }
  return lines;
}

/** Each failure: what broke, what led to it, and the offending request and response. */
export function formatFailures(results: readonly CheckResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    if (r.verdict !== 'fail' || !r.failure) continue;
    lines.push('', `FAIL  ${r.family}  ${r.subject}`, `  ${redactCardNumbers(r.failure.reason)}`);
    const context = r.failure.context ?? [];
    if (context.length > 0) {
      lines.push('  before it:');
      for (const e of context) lines.push(`    ${oneLine(e)}`);
    }
    if (r.failure.exchange) lines.push(...formatExchange(r.failure.exchange));
  }
  return lines;
}

export function formatExchange(e: Exchange, indent = '  '): string[] {
  const pad = `${indent}${' '.repeat(10)}`;
  const req = e.request;
  const lines = [`${indent}request   ${req.method} ${req.path}${req.replica > 0 ? `   (replica ${req.replica + 1})` : ''}`];
  if (req.body !== undefined) {
    lines.push(`${pad}content-type: ${req.contentType ?? 'application/json'}, ${byteLength(req.body)} bytes`);
    lines.push(...shownBody(req.body).map((l) => `${pad}${l}`));
  }
  const res = e.response;
  if (!answered(res)) {
    lines.push(`${indent}response  none: ${res.error}`);
    return lines;
  }
  lines.push(`${indent}response  ${res.status}${res.contentType ? ` ${res.contentType}` : ''}, ${byteLength(res.body)} bytes`);
  if (res.body !== '') lines.push(...shownBody(res.body).map((l) => `${pad}${l}`));
  return lines;
}

/** `POST /v1/holds {"request_id":…} → 200 {"result":"held",…}` */
export function oneLine(e: Exchange): string {
  const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const sent = e.request.body === undefined ? '' : ` ${cut(shownBody(e.request.body).join(' '), 300)}`;
  const got = answered(e.response) ? `${e.response.status} ${cut(shownBody(e.response.body).join(' '), 160)}` : `no answer (${e.response.error})`;
  return `${e.request.method} ${e.request.path}${sent} → ${got}`;
}

/** A body as shown: masked, long JSON strings shortened, cut to MAX_BODY_CHARS, control characters escaped. */
export function shownBody(text: string): string[] {
  if (text === '') return ['(empty)'];
  let shown: string;
  try {
    shown = JSON.stringify(shorten(JSON.parse(text) as JsonValue));
  } catch {
    // Not JSON: shown as sent, with control characters escaped.
    shown = text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  }
  shown = redactCardNumbers(shown);
  if (shown.length > MAX_BODY_CHARS) shown = `${shown.slice(0, MAX_BODY_CHARS)}… (cut: ${byteLength(text)} bytes in all)`;
  return [shown];
}

function shorten(value: JsonValue): JsonValue {
  if (typeof value === 'string') return value.length > MAX_STRING_CHARS ? `${value.slice(0, 24)}…(${value.length} chars)` : value;
  if (Array.isArray(value)) return value.map(shorten);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(value)) out[k] = shorten(v);
  return out;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
