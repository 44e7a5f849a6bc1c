// The seven defences of the hardened policy, by name, with what switching one off means. A defence is on
// by default; `tuning.defences` switches any of them off (the per-defence override a scenario's
// `topology.router_tuning` or `--router-tuning` gives), so the catalog can show each one earns its place.

export const DEFENCES = ['ejection', 'last_known_good', 'retry_budget', 'attempt_timeout', 'watch_idle_timeout', 'retries', 'lenient_parsing'] as const;
export type DefenceName = (typeof DEFENCES)[number];

/** On (true) or off (false), per defence. */
export type DefenceSwitches = Readonly<Record<DefenceName, boolean>>;

export const ALL_DEFENCES_ON: DefenceSwitches = Object.freeze({
  ejection: true,
  last_known_good: true,
  retry_budget: true,
  attempt_timeout: true,
  watch_idle_timeout: true,
  retries: true,
  lenient_parsing: true,
});

export interface DefenceSpec {
  /** What it does while on. */
  on: string;
  /** What the router does without it. */
  off: string;
}

export const DEFENCE_SPECS: Readonly<Record<DefenceName, DefenceSpec>> = Object.freeze({
  ejection: {
    on: 'an endpoint with ejectAfterFailures consecutive connection failures (refused, reset, timeout) is taken out for ejectionMs',
    off: 'no endpoint is ever ejected: a dead or hanging one stays in rotation',
  },
  last_known_good: {
    on: 'empty endpoints (null, [], deleted, missing from a list) are bridged with the last non-empty set for up to lkgMaxAgeMs',
    off: 'empty endpoints route nowhere at once (discovery_empty, or discovery_null when discovery says null)',
  },
  retry_budget: {
    on: 'retries are limited to retryBudgetRatio of requests plus retryBudgetMinPerSec per second',
    off: 'no budget: every retryable failure is retried, up to maxAttempts and the deadline',
  },
  attempt_timeout: {
    on: 'one attempt lasts at most attemptTimeoutMs, leaving time in the deadline to try another endpoint',
    off: "one attempt may use the whole call deadline",
  },
  watch_idle_timeout: {
    on: 'a watch with no event nor bookmark for watchIdleTimeoutMs is dead: re-list and re-watch',
    off: 'a silent watch is trusted forever (a stalled watch leaves stale endpoints); a watch that ends still re-lists',
  },
  retries: {
    on: 'a failed attempt is retried on another endpoint, up to maxAttempts in all (refused always; reset, timeout and 5xx when idempotent)',
    off: 'one attempt per call: nothing is retried, not even a refused connection',
  },
  lenient_parsing: {
    on: '`subsets: null` (a slice\'s `endpoints: null`) reads as empty; a malformed object only affects its own service',
    off: 'a null or malformed object is a parse error that poisons resolution, as linkerd 1.x did: every service fails with discovery_null until a list parses cleanly',
  },
});

export function isDefenceName(name: string): name is DefenceName {
  return (DEFENCES as readonly string[]).includes(name);
}

/** Every defence on, but those `partial` switches. */
export function defenceSwitches(partial: Partial<Record<DefenceName, boolean>> = {}): DefenceSwitches {
  return Object.freeze({ ...ALL_DEFENCES_ON, ...partial });
}

/** The defences switched off, in DEFENCES order. */
export function defencesOff(switches: DefenceSwitches): DefenceName[] {
  return DEFENCES.filter((d) => !switches[d]);
}
