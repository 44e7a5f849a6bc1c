// The router tuning override: how a scenario (`topology.router_tuning`), the command line
// (`--router-tuning ejection=off,attempt_timeout_ms=300`) and a processor's FAULTLINE_CONFIG
// (`router_tuning`) switch a defence of the hardened router off, or set one of its knobs, without a code
// edit. One flat object, each key a defence (value "off" or "on", or false / true) or a knob in snake_case
// (its value a number, or a name for the two that take one). Checked key by key: an unknown key, a bad
// value, or a knob of a defence switched off in the same override is an error naming the key.
import { DEFENCES, DEFENCE_SPECS, isDefenceName, type DefenceName } from './defences.ts';
import type { BalancerKind, DiscoveryApi, HardenedTuning, HardenedTuningInput } from './types.ts';

type NumericKnobField = {
  [K in keyof HardenedTuning]: HardenedTuning[K] extends number ? K : never;
}[keyof HardenedTuning];

interface NumberKnob {
  kind: 'number';
  field: NumericKnobField;
  integer: boolean;
  min: number;
  max: number;
  /** The defence this knob tunes: setting it while that defence is off is an error. */
  defence?: DefenceName;
}

interface ChoiceKnob {
  kind: 'choice';
  field: 'balancer' | 'discoveryApi';
  choices: readonly string[];
}

type Knob = NumberKnob | ChoiceKnob;

const int = (field: NumericKnobField, min: number, max: number, defence?: DefenceName): NumberKnob => ({ kind: 'number', field, integer: true, min, max, ...(defence ? { defence } : {}) });

/** Every knob of HardenedTuning, by its snake_case name. */
export const ROUTER_KNOBS: Readonly<Record<string, Knob>> = Object.freeze({
  discovery_api: { kind: 'choice', field: 'discoveryApi', choices: ['endpoints', 'endpointslices'] satisfies DiscoveryApi[] },
  balancer: { kind: 'choice', field: 'balancer', choices: ['round_robin', 'least_loaded'] satisfies BalancerKind[] },
  lkg_max_age_ms: int('lkgMaxAgeMs', 1, 3_600_000, 'last_known_good'),
  watch_idle_timeout_ms: int('watchIdleTimeoutMs', 100, 600_000, 'watch_idle_timeout'),
  relist_backoff_ms: int('relistBackoffMs', 1, 60_000),
  relist_backoff_max_ms: int('relistBackoffMaxMs', 1, 600_000),
  list_timeout_ms: int('listTimeoutMs', 1, 60_000),
  eject_after_failures: int('ejectAfterFailures', 1, 1000, 'ejection'),
  ejection_ms: int('ejectionMs', 1, 3_600_000, 'ejection'),
  retry_budget_ratio: { kind: 'number', field: 'retryBudgetRatio', integer: false, min: 0, max: 10, defence: 'retry_budget' },
  retry_budget_min_per_sec: { kind: 'number', field: 'retryBudgetMinPerSec', integer: false, min: 0, max: 100_000, defence: 'retry_budget' },
  max_attempts: int('maxAttempts', 1, 10, 'retries'),
  attempt_timeout_ms: int('attemptTimeoutMs', 1, 600_000, 'attempt_timeout'),
  default_deadline_ms: int('defaultDeadlineMs', 1, 600_000),
  connections_per_endpoint: int('connectionsPerEndpoint', 1, 1024),
});

export const ROUTER_KNOB_NAMES: readonly string[] = Object.keys(ROUTER_KNOBS);

/** A checked override: defences "off"/"on", knobs with their values. Serialised as is (summary, FAULTLINE_CONFIG). */
export type RouterTuning = Readonly<Record<string, 'on' | 'off' | number | string>>;

/** An override that cannot be used; `key` is the offending key ('' for the whole object). */
export class RouterTuningError extends Error {
  override readonly name = 'RouterTuningError';
  constructor(
    readonly key: string,
    readonly problem: string,
  ) {
    super(key ? `${key}: ${problem}` : problem);
  }
}

const show = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value));

function defenceValue(key: string, value: unknown): 'on' | 'off' {
  if (value === false || value === 'off' || value === 'false') return 'off';
  if (value === true || value === 'on' || value === 'true') return 'on';
  throw new RouterTuningError(key, `a defence is "off" or "on" (or false / true), got ${show(value)}`);
}

function knobValue(key: string, knob: Knob, value: unknown): number | string {
  if (knob.kind === 'choice') {
    if (typeof value === 'string' && knob.choices.includes(value)) return value;
    throw new RouterTuningError(key, `must be one of ${knob.choices.join(', ')}, got ${show(value)}`);
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || (knob.integer && !Number.isInteger(n)) || n < knob.min || n > knob.max) {
    throw new RouterTuningError(key, `must be ${knob.integer ? 'an integer' : 'a number'} from ${knob.min} to ${knob.max}, got ${show(value)}`);
  }
  return n;
}

function unknownKey(key: string): RouterTuningError {
  return new RouterTuningError(key, `not a defence nor a knob of the hardened router; defences: ${DEFENCES.join(', ')}; knobs: ${ROUTER_KNOB_NAMES.join(', ')}`);
}

const MAX_KEYS = 64;

/** Checks an override (a scenario's, a flag's, or FAULTLINE_CONFIG's); null or undefined is no override. */
export function parseRouterTuning(input: unknown): RouterTuning {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new RouterTuningError('', `must be an object of defences and knobs, got ${show(input)}`);
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > MAX_KEYS) throw new RouterTuningError('', `at most ${MAX_KEYS} keys, got ${entries.length}`);
  const out: Record<string, 'on' | 'off' | number | string> = {};
  for (const [key, value] of entries) {
    if (isDefenceName(key)) out[key] = defenceValue(key, value);
    else {
      const knob = ROUTER_KNOBS[key];
      if (!knob) throw unknownKey(key);
      out[key] = knobValue(key, knob, value);
    }
  }
  for (const key of Object.keys(out)) {
    const knob = ROUTER_KNOBS[key];
    const defence = knob?.kind === 'number' ? knob.defence : undefined;
    if (defence && out[defence] === 'off') throw new RouterTuningError(key, `${defence} is off, so ${key} would have no effect; give one or the other`);
  }
  const base = out.relist_backoff_ms ?? 0;
  const max = out.relist_backoff_max_ms;
  if (typeof base === 'number' && typeof max === 'number' && base > max) throw new RouterTuningError('relist_backoff_max_ms', `must be at least relist_backoff_ms (${base}), got ${max}`);
  return sortKeys(out);
}

/** Defences first (in DEFENCES order), then knobs (in ROUTER_KNOBS order): one spelling per override. */
function sortKeys(o: Record<string, 'on' | 'off' | number | string>): RouterTuning {
  const order = [...DEFENCES, ...ROUTER_KNOB_NAMES];
  return Object.freeze(Object.fromEntries(order.filter((k) => k in o).map((k) => [k, o[k] as 'on' | 'off' | number | string])));
}

/** `ejection=off,attempt_timeout_ms=300` (one or more flag values) -> the raw pairs; a RouterTuningError naming the bad part. */
export function parseRouterTuningText(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    for (const part of value.split(',')) {
      const text = part.trim();
      if (text === '') continue;
      const at = text.indexOf('=');
      const key = at === -1 ? '' : text.slice(0, at).trim();
      const raw = at === -1 ? '' : text.slice(at + 1).trim();
      if (!key || !raw) throw new RouterTuningError('', `"${text}" is not key=value (e.g. ejection=off or attempt_timeout_ms=300)`);
      if (key in out && out[key] !== raw) throw new RouterTuningError(key, `given twice (${out[key]} and ${raw})`);
      out[key] = raw;
    }
  }
  return out;
}

/**
 * `over` on top of `base`, the later winning defence by defence: switching a defence (off or on) in `over`
 * drops `base`'s knobs of that defence, and setting a knob in `over` drops `base`'s switch of its defence.
 */
export function mergeRouterTuning(base: RouterTuning, over: RouterTuning): RouterTuning {
  const out: Record<string, 'on' | 'off' | number | string> = { ...base };
  for (const key of Object.keys(over)) {
    if (isDefenceName(key)) {
      for (const [name, knob] of Object.entries(ROUTER_KNOBS)) if (knob.kind === 'number' && knob.defence === key && !(name in over)) delete out[name];
    } else {
      const knob = ROUTER_KNOBS[key];
      if (knob?.kind === 'number' && knob.defence && !(knob.defence in over)) delete out[knob.defence];
    }
  }
  return parseRouterTuning({ ...out, ...over });
}

/** What the router is given: the knobs by their field names, and the defences switched. */
export function hardenedTuningInput(tuning: RouterTuning): HardenedTuningInput {
  const input: Record<string, unknown> = {};
  const defences: Partial<Record<DefenceName, boolean>> = {};
  for (const [key, value] of Object.entries(tuning)) {
    if (isDefenceName(key)) defences[key] = value === 'on';
    else {
      const knob = ROUTER_KNOBS[key];
      if (knob) input[knob.field] = value;
    }
  }
  return { ...(input as HardenedTuningInput), defences };
}

/** The override as flag text: `ejection=off,attempt_timeout_ms=300` ('' when empty). */
export function routerTuningText(tuning: RouterTuning): string {
  return Object.entries(tuning)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

/** The defences an override switches off, with what that means: for a header or a report. */
export function describeDefencesOff(tuning: RouterTuning): Array<{ defence: DefenceName; off: string }> {
  return DEFENCES.filter((d) => tuning[d] === 'off').map((defence) => ({ defence, off: DEFENCE_SPECS[defence].off }));
}
