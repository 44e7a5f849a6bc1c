// Before the feed is judged against the ledger: a pipeline someone else runs drains its feed events on its own
// time (faultline's own runs ask the processors to flush; here faultline has no such handle). Polls until the
// feed's balances equal the ledger's for every account, or the settle time is over, or the signal aborts;
// feed-agrees then judges what it reads.
import type { LedgerReader } from '../../checkers/ledger-reader.ts';

export interface SettleResult {
  agreed: boolean;
  waitedMs: number;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export async function waitForFeed(reader: LedgerReader, accountIds: readonly string[], settleMs: number, signal?: AbortSignal, pollMs = 500): Promise<SettleResult> {
  const started = Date.now();
  for (;;) {
    const [accounts, feed] = await Promise.all([reader.accounts(accountIds), reader.feedBalances(accountIds)]);
    const byId = new Map(feed.map((b) => [b.account_id, b]));
    const agreed = accounts.every((a) => {
      const b = byId.get(a.account_id);
      return b !== undefined && b.balance === a.balance && b.available === a.available;
    });
    const waitedMs = Date.now() - started;
    if (agreed || waitedMs >= settleMs || signal?.aborted) return { agreed, waitedMs };
    await sleep(Math.min(pollMs, settleMs - waitedMs), signal);
  }
}
