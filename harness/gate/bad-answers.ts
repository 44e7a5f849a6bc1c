// Two verdict lines a payments engineer needs when the issuer's side broke rather than declined:
// - bad answers: authorizations that failed because a hop answered outside its contract (cause `bad_answer`,
//   e.g. a ledger answering `200 {}`). No machine load makes a service answer outside its contract, so such
//   a run fails whatever its health, like lost money: the pipeline broke its own contract, and nothing it
//   did after that (declines, holds) can be judged through those answers.
// - an issuer that answered nothing: every authorization of the measured run was answered by stand-in or
//   not at all. Stand-in keeps the success rate up, so without this line such a run reads as healthy.
import type { Summary } from '../summary/types.ts';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line per hop whose answers broke the contract, most first. */
export function badAnswerLines(summary: Pick<Summary, 'causes'>): string[] {
  const hops: [string, number][] = [];
  for (const [hop, causes] of Object.entries(summary.causes ?? {})) {
    const n = causes?.bad_answer ?? 0;
    if (n > 0) hops.push([hop, n]);
  }
  hops.sort((a, b) => b[1] - a[1]);
  return hops.map(
    ([hop, n]) =>
      `bad answers: ${plural(n, 'authorization')} failed at ${hop} on answers outside its contract (bad_answer): a technical failure, never a decline`,
  );
}

/** A line when the issuer answered none of the measured authorizations (null otherwise). */
export function issuerSilentLine(summary: Pick<Summary, 'authorizations' | 'causes'>): string | null {
  const a = summary.authorizations;
  if (!a || a.total === 0 || a.approved + a.declined > 0) return null;
  const top = Object.entries(summary.causes ?? {})
    .flatMap(([hop, causes]) => Object.entries(causes ?? {}).map(([cause, n]) => [`${hop} ${cause}`, n] as const))
    .sort((x, y) => y[1] - x[1])
    .slice(0, 3)
    .map(([what, n]) => `${what} ×${n}`);
  const standins = a.standin_approved + a.standin_declined;
  return (
    `the issuer answered none of the ${a.total} authorizations: ${standins} answered by stand-in, ${a.failed} failed, ${a.unknown} unknown` +
    (top.length > 0 ? ` (${top.join(', ')})` : '')
  );
}
