// The declines-justified verdict once every decline is judged: the false ones tallied by reason, hop and
// fault (the summary's `declines`), and the detail line that names the first few.
import type { DeclineSummary, FalseDecline, InvariantResult } from '../summary/types.ts';
import type { CheckContext } from './checker.ts';
import { bump, DECLINES_JUSTIFIED, hopOf, money, NO_FAULT, type Decline } from './decline.ts';
import { invariantResult, MAX_OFFENDING, Offenders } from './result.ts';

/** The declines as recorded (a retransmitted one counts each time, as the outcome counts do). */
export interface RecordedDeclines {
  byReason: Record<string, number>;
  issuer: number;
  standIn: number;
}

export function declineVerdict(declines: readonly Decline[], recorded: RecordedDeclines, ctx: CheckContext): { summary: DeclineSummary; result: InvariantResult } {
  const offenders = new Offenders();
  const byReason = recorded.byReason;
  const falseByReason: Record<string, number> = {};
  const byHop: Record<string, number> = {};
  const byFault: Record<string, number> = {};
  const first: FalseDecline[] = [];
  const unjudged: string[] = [];
  let unjudgedCount = 0;
  const issuer = recorded.issuer;
  const standIn = recorded.standIn;
  for (const d of declines) {
    if (d.judgement === 'unjudged') {
      unjudgedCount++;
      if (unjudged.length < 3) unjudged.push(`${d.id} (${d.reason}: ${d.why})`);
      continue;
    }
    if (d.judgement !== 'false') continue;
    offenders.add(d.id);
    bump(falseByReason, d.reason);
    const hop = hopOf(d);
    bump(byHop, hop);
    if (d.faults.length === 0) bump(byFault, NO_FAULT);
    else for (const f of d.faults) bump(byFault, f);
    if (first.length < MAX_OFFENDING) {
      first.push({
        id: d.id,
        reason: d.reason,
        account_id: d.account_id,
        amount: d.amount,
        currency: d.currency,
        hop,
        faults: [...d.faults],
        lowest_available: d.lowest,
        why: d.why,
      });
    }
  }
  const summary: DeclineSummary = {
    total: issuer,
    by_reason: byReason,
    standin_declined: standIn,
    false_declines: { total: offenders.count, by_reason: falseByReason, by_hop: byHop, by_fault: byFault, first },
  };
  const counted = (table: Record<string, number>): string =>
    Object.entries(table)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  const declined = `${issuer} issuer decline${issuer === 1 ? '' : 's'}${issuer > 0 ? ` (${counted(byReason)})` : ''}, ${standIn} stand-in decline${standIn === 1 ? '' : 's'}`;
  let detail: string;
  if (offenders.count === 0) {
    detail = issuer + standIn === 0 ? `${declined}: nothing to justify` : `${declined}: 0 false declines, every one justified by the book`;
  } else {
    const examples = first
      .slice(0, 3)
      .map((f) => `${f.id} ${f.reason} on ${f.account_id} for ${money(f)}: ${f.why}`)
      .join('; ');
    detail =
      `${offenders.count} false decline${offenders.count === 1 ? '' : 's'} of ${issuer + standIn}: by reason ${counted(falseByReason)}; ` +
      `by hop ${counted(byHop)}; by fault ${counted(byFault)} [${examples}] (${declined})`;
  }
  if (unjudgedCount > 0) detail += `; ${unjudgedCount} could not be judged: ${unjudged.join(', ')}${unjudgedCount > unjudged.length ? ', ...' : ''}`;
  if (!ctx.trafficClock && declines.some((d) => d.reason === 'insufficient_funds')) detail += '; no traffic clock: insufficient funds judged over the whole run';
  return { summary, result: invariantResult(DECLINES_JUSTIFIED, offenders, detail, { unknown: unjudgedCount > 0 }) };
}
