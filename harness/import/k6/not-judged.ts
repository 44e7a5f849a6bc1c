// What a k6 run cannot be judged on. faultline's card network stands in, posts advices and resends a share of
// authorizations with other content; the exported k6 script does none of it (it declares so: declaration.ts).
// An invariant that needs what the load did not do is `unknown`, with the reason, and neither passes nor
// fails the run (verdict.ts). A proven anomaly (invalid) stays invalid: whoever sent the load, the book shows it.
import { composeValidity, type CheckReport } from '../../checkers/compose.ts';
import { ADVICES_POSTED } from '../../checkers/advices-posted.ts';
import { FEED_AGREES } from '../../checkers/feed-agrees.ts';
import { IDEMPOTENCY_CONFLICTS_REFUSED } from '../../checkers/idempotency-conflicts.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { ScriptDeclaration } from './declaration.ts';

export interface NotJudged {
  invariant: string;
  why: string;
}

/** The invariants this check cannot judge, and why. */
export function notJudgedInvariants(scenario: Scenario, declaration: ScriptDeclaration, feedRead: boolean): NotJudged[] {
  const out: NotJudged[] = [];
  const notDone = new Set(declaration.notDone);
  if (scenario.network.standin.enabled && (notDone.has('standin') || notDone.has('advices'))) {
    out.push({
      invariant: ADVICES_POSTED,
      why: "the scenario's card network stands in when the issuer does not answer and posts the advice later; the k6 script does neither, so no advice was owed or sent",
    });
  }
  if (scenario.traffic.conflicting_retries > 0 && notDone.has('conflicting_retries')) {
    out.push({
      invariant: IDEMPOTENCY_CONFLICTS_REFUSED,
      why: `the scenario resends ${scenario.traffic.conflicting_retries * 100}% of authorizations under their id with other content; the k6 script sends none`,
    });
  }
  if (!feedRead) out.push({ invariant: FEED_AGREES, why: 'no --feed-url was given: the feed/balance API was not read' });
  return out;
}

export function markNotJudged(report: CheckReport, notJudged: readonly NotJudged[]): CheckReport {
  const why = new Map(notJudged.map((n) => [n.invariant, n.why]));
  const invariants = report.invariants.map((inv) => {
    const reason = why.get(inv.name);
    if (reason === undefined || inv.validity === 'invalid') return inv;
    return { ...inv, ok: false, validity: 'unknown' as const, not_judged: reason };
  });
  const validity = composeValidity(invariants);
  return { ...report, invariants, validity, ok: validity === 'valid' };
}
