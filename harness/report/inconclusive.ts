// Why a run is inconclusive and what to do about it, in words the banner, the JUnit <error> and the suite
// index share: the broken validity limits (validity.reasons) and an interruption, and the run's advice.
import type { Summary } from '../summary/types.ts';

/** The interruption, in the banner's words. */
export const INTERRUPTED_LINE = 'the run was interrupted (Ctrl-C) before the end of its schedule: it covers only part of the traffic and faults, and what it could not settle is unknown';

/** What was distorted: the broken validity limits, and the interruption of an incomplete run. */
export function distortions(summary: Summary): string[] {
  const out = summary.validity.ok ? [] : [...summary.validity.reasons];
  if (summary.incomplete) out.unshift(INTERRUPTED_LINE);
  if (out.length === 0) out.push(...summary.reasons.filter((r) => !/^not (judged|compared)/.test(r)));
  return out;
}

const GENERIC_ADVICE = 'lower the rate (--rate), give the run more cores, or stop the other load on this machine, then run it again';

/** What to do: the run's own advice (or the generic advice when it recorded none), and to let it finish. */
export function remedies(summary: Summary): string[] {
  const out: string[] = [];
  if (!summary.validity.ok) out.push(...(summary.validity.advice.length ? summary.validity.advice : [GENERIC_ADVICE]));
  if (summary.incomplete) out.push('run it again and let it finish: only a complete run is judged');
  if (out.length === 0) out.push(GENERIC_ADVICE);
  return out;
}
