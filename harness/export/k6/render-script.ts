// script.ts: the k6 template (template/script.ts, a complete k6 script typed with @types/k6) with its
// header and config block written for one scenario. Only the marked blocks change; every value written
// into code is a JSON-escaped literal, and scenario text only ever lands in `//` comments, one line at a time.
import { readFile } from 'node:fs/promises';
import type { Scenario } from '../../scenario/schema.ts';
import type { PlannedKind } from '../../traffic/requests/planned-request.ts';
import { oneLine, wrap } from './comments.ts';
import { describeExecutor, type ArrivalExecutor } from './executor.ts';
import type { TranslatedThresholds } from './thresholds.ts';

export const TEMPLATE_URL = new URL('./template/script.ts', import.meta.url);
const WIDTH = 110;

export interface ScriptInput {
  scenario: Scenario;
  /** `generated from seed N` or `replayed from FILE`. */
  source: string;
  kinds: Record<PlannedKind, number>;
  executor: ArrivalExecutor;
  thresholds: TranslatedThresholds;
  baseUrl: string;
  feedUrl: string;
}

export class TemplateError extends Error {}

function replaceBlock(text: string, name: string, replacement: string): string {
  const start = `// @faultline:${name}-start\n`;
  const end = `// @faultline:${name}-end\n`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new TemplateError(`the k6 template ${TEMPLATE_URL.pathname} has no ${name} block`);
  return text.slice(0, from) + replacement + text.slice(to + end.length);
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function header(input: ScriptInput): string {
  const { scenario, kinds, thresholds } = input;
  const total = kinds.authorization + kinds.reversal + kinds.balance + kinds.feed;
  const c = (text: string): string[] => wrap(text, WIDTH, '// ');
  const lines: string[] = [
    ...c(`k6 test for the faultline scenario "${scenario.name}" (seed ${scenario.seed}), written by \`faultline export k6\`.`),
    ...c(scenario.description),
    '//',
    ...c(
      `Traffic: ${plural(total, 'request')} in requests.json (${plural(kinds.authorization, 'authorization')}, ${plural(kinds.reversal, 'reversal')}, ` +
        `${plural(kinds.balance, 'balance read')}, ${plural(kinds.feed, 'feed read')}), ${input.source}. Iteration n sends request n, paced by ${describeExecutor(input.executor)}.`,
    ),
    ...c('Run: k6 run -e BASE_URL=<processor URL> -e FEED_URL=<feed/balance API URL> script.ts (see README.md).'),
  ];
  if (scenario.faults.length > 0) {
    lines.push(
      ...c(
        `Faults are not applied by k6: start \`faultline faults ${scenario.name} --toxiproxy <url>\` at the same time. Its timeline: ` +
          scenario.faults.map((f) => `${f.name} (${f.fault} on ${f.target}, ${f.start_s}-${f.end_s} s)`).join('; ') + '.',
      ),
    );
  }
  lines.push(
    ...c(
      "Stand-in is faultline's card-network emulator and is not emulated here: an authorization without a usable answer is failed, " +
        "so authorization_success_rate here is faultline's issuer_success_rate.",
    ),
    '//',
  );
  const keys = Object.keys(scenario.thresholds);
  if (keys.length === 0) {
    lines.push('// The scenario has no thresholds.');
  } else if (thresholds.untranslated.length === 0) {
    lines.push("// Every threshold of the scenario is in options.thresholds, with faultline's metric names and expressions.");
  } else {
    lines.push("// Thresholds faultline checks that k6 cannot, so they are not in options.thresholds:");
    for (const t of thresholds.untranslated) {
      lines.push(`//   ${oneLine(t.metric)}: ${oneLine(t.expression)}`);
      lines.push(...wrap(t.reason, WIDTH, '//       '));
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A value as a TypeScript literal: objects one key a line, arrays of plain values on one line, strings
 * JSON-escaped in single quotes (so nothing in them can end the literal), keys unquoted when they are identifiers.
 */
export function literal(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => literal(v)).join(', ')}]`;
    const inner = `${indent}  `;
    return `[\n${value.map((v) => `${inner}${literal(v, inner)},`).join('\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    const key = (k: string): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k));
    return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${literal(v, inner)},`).join('\n')}\n${indent}}`;
  }
  if (typeof value === 'string') return `'${JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * The gap between two scheduled iterations of a constant-arrival-rate executor (k6 starts iteration n at n × it),
 * or null for a ramping one, whose schedule the script cannot tell request by request.
 */
export function arrivalPeriodMs(executor: ArrivalExecutor): number | null {
  if (executor.executor !== 'constant-arrival-rate') return null;
  const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(executor.timeUnit);
  if (!m) return null;
  const unitMs = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  return Math.round((unitMs / executor.rate) * 1e6) / 1e6;
}

function config(input: ScriptInput): string {
  const options = {
    scenarios: { payments: input.executor },
    thresholds: input.thresholds.k6,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(95)', 'p(99)'],
    tags: { faultline_scenario: input.scenario.name },
  };
  return [
    `const DEFAULT_BASE_URL = ${literal(input.baseUrl)};`,
    `const DEFAULT_FEED_URL = ${literal(input.feedUrl)};`,
    "/** The card network's issuer response deadline (network.issuer_deadline_ms): every request's timeout. */",
    `const ISSUER_DEADLINE_MS = ${literal(input.scenario.network.issuer_deadline_ms)};`,
    '/** The scenario this script was exported from, declared to `faultline check`. */',
    `const SCENARIO_NAME = ${literal(input.scenario.name)};`,
    `const SCENARIO_SEED = ${literal(input.scenario.seed)};`,
    '/** constant-arrival-rate: iteration n is scheduled n × this after the scenario starts; null when the pace ramps. */',
    `const ARRIVAL_PERIOD_MS: number | null = ${literal(arrivalPeriodMs(input.executor))};`,
    '',
    `export const options: Options = ${literal(options)};`,
    '',
  ].join('\n');
}

export async function renderScript(input: ScriptInput): Promise<string> {
  const template = await readFile(TEMPLATE_URL, 'utf8');
  return replaceBlock(replaceBlock(template, 'header', header(input)), 'config', config(input));
}
