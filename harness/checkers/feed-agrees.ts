// Invariant 4: once traffic has drained, the feed/balance API shows every account's balance and available
// exactly as the ledger has them. Offending ids are account ids (missing from the feed, or different).
// An interrupted run did not drain, so a disagreement there is `unknown`, not a failed invariant.
// Reads the facts only: the ledger's account views and the feed's balances.
import type { InvariantResult } from '../summary/types.ts';
import type { CheckContext, Checker } from './checker.ts';
import { describe, invariantResult, Offenders } from './result.ts';

export const FEED_AGREES = 'feed-agrees';

export class FeedAgreesCheck implements Checker {
  readonly name = FEED_AGREES;

  result({ accounts, feedBalances: feed, interrupted }: CheckContext): InvariantResult {
    const wrong = new Offenders();
    if (feed === null) {
      return invariantResult(FEED_AGREES, wrong, 'the feed/balance API was not read: agreement with the ledger unknown', { unknown: true });
    }
    const byId = new Map(feed.map((b) => [b.account_id, b]));
    const examples: string[] = [];
    let missing = 0;
    for (const a of accounts) {
      const b = byId.get(a.account_id);
      if (!b) {
        missing++;
        wrong.add(a.account_id);
        if (examples.length < 3) examples.push(`${a.account_id}: not in the feed`);
        continue;
      }
      if (b.balance !== a.balance || b.available !== a.available) {
        wrong.add(a.account_id);
        if (examples.length < 3) {
          examples.push(
            `${a.account_id}: feed ${b.balance}/${b.available} (v${b.version}) vs ledger ${a.balance}/${a.available} (v${a.version})`,
          );
        }
      }
    }
    let detail = `${accounts.length} accounts (balance/available): ${describe('disagree with the ledger', wrong.ids, wrong.count)}`;
    if (missing > 0) detail += `, ${missing} of them missing from the feed`;
    if (examples.length > 0) detail += ` [${examples.join('; ')}]`;
    if (interrupted && wrong.count > 0) {
      return invariantResult(FEED_AGREES, new Offenders(), `${detail} — the run was interrupted before its events drained: agreement unknown`, { unknown: true });
    }
    return invariantResult(FEED_AGREES, wrong, detail);
  }
}
