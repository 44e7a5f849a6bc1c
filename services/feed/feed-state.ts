// The feed/balance API's state (pure, no I/O): per account the ledger snapshot with the highest
// version seen and the last items of its transaction feed, plus the event ids already applied.
// `missPercent` is a deliberate defect for checker tests: that share of events is silently dropped,
// chosen by a seeded hash of the event id (so a resent event is dropped again, as a lost one would be).
import type { AccountSeed } from '../common/accounts.ts';
import { hashSeed } from '../common/random.ts';
import type { AccountView } from '../ledger/contract.ts';
import { openingView } from '../ledger/opening.ts';
import type { BalancesPage, BalanceView, FeedEvent, FeedItem } from './contract.ts';
import { compareIds, DEFAULT_ID_PAGE, pageOfIds } from '../common/id-pages.ts';

export const FEED_ITEMS_PER_ACCOUNT = 100;

/** A uniform 32-bit draw per (seed, event id): FNV-1a mixed by murmur3's finaliser (FNV alone is lumpy on similar ids). */
function missDraw(seed: number, eventId: string): number {
  let h = hashSeed('feed-miss', seed, eventId);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export interface FeedStateOptions {
  accounts: readonly AccountSeed[];
  seed: number;
  /** 0..100; default 0. */
  missPercent?: number;
  itemsPerAccount?: number;
}

export interface ApplyResult {
  received: number;
  applied: number;
  duplicates: number;
}

interface AccountFeed {
  snapshot: AccountView | null;
  /** Oldest first, at most itemsPerAccount. */
  items: FeedItem[];
}

export interface FeedStats {
  events_applied: number;
  events_duplicate: number;
  events_missed: number;
  accounts_seen: number;
}

export class FeedState {
  private readonly seeds = new Map<string, AccountSeed>();
  private readonly feeds = new Map<string, AccountFeed>();
  private readonly seen = new Set<string>();
  /** Every account the feed knows (seeded or seen in an event), in listing order; rebuilt when one is added. */
  private sortedIds: string[] | null = null;
  private readonly missThreshold: number;
  private readonly itemsPerAccount: number;
  private readonly stats_: FeedStats = { events_applied: 0, events_duplicate: 0, events_missed: 0, accounts_seen: 0 };

  constructor(private readonly options: FeedStateOptions) {
    for (const seed of options.accounts) this.seeds.set(seed.id, seed);
    this.missThreshold = Math.floor(((options.missPercent ?? 0) / 100) * 4294967296);
    this.itemsPerAccount = options.itemsPerAccount ?? FEED_ITEMS_PER_ACCOUNT;
  }

  /** Applies a batch; events already applied are counted as duplicates. Missed events count as applied. */
  apply(events: readonly FeedEvent[]): ApplyResult {
    const result: ApplyResult = { received: events.length, applied: 0, duplicates: 0 };
    for (const event of events) {
      if (this.seen.has(event.event_id)) {
        result.duplicates++;
        this.stats_.events_duplicate++;
        continue;
      }
      result.applied++;
      if (this.missThreshold > 0 && missDraw(this.options.seed, event.event_id) < this.missThreshold) {
        this.stats_.events_missed++;
        continue;
      }
      this.seen.add(event.event_id);
      this.stats_.events_applied++;
      this.applyOne(event);
    }
    return result;
  }

  balance(accountId: string): BalanceView | null {
    const view = this.feeds.get(accountId)?.snapshot ?? this.openingOf(accountId);
    if (!view) return null;
    return {
      account_id: view.account_id,
      currency: view.currency,
      balance: view.balance,
      available: view.available,
      version: view.version,
    };
  }

  /** The balances of the accounts with ids after `after` in ascending order, at most `limit` (services/common/id-pages.ts). */
  balancesPage(after: string | undefined, limit = DEFAULT_ID_PAGE): BalancesPage {
    if (!this.sortedIds) this.sortedIds = [...new Set([...this.seeds.keys(), ...this.feeds.keys()])].sort(compareIds);
    const page = pageOfIds(this.sortedIds, after, limit);
    return { balances: page.ids.map((id) => this.balance(id) as BalanceView), next: page.next };
  }

  /** Newest first; null for an account neither seeded nor seen in an event. */
  items(accountId: string, limit: number): FeedItem[] | null {
    const feed = this.feeds.get(accountId);
    if (!feed) return this.seeds.has(accountId) ? [] : null;
    const out: FeedItem[] = [];
    for (let i = feed.items.length - 1; i >= 0 && out.length < limit; i--) out.push(feed.items[i] as FeedItem);
    return out;
  }

  stats(): FeedStats {
    return { ...this.stats_, accounts_seen: this.feeds.size };
  }

  private openingOf(accountId: string): AccountView | null {
    const seed = this.seeds.get(accountId);
    return seed ? openingView(seed) : null;
  }

  private applyOne(event: FeedEvent): void {
    let feed = this.feeds.get(event.account_id);
    if (!feed) {
      feed = { snapshot: null, items: [] };
      this.feeds.set(event.account_id, feed);
      if (!this.seeds.has(event.account_id)) this.sortedIds = null;
    }
    if (!feed.snapshot || event.account.version > feed.snapshot.version) feed.snapshot = event.account;
    const item: FeedItem = {
      event_id: event.event_id,
      kind: event.kind,
      authorization_id: event.authorization_id,
      amount: event.amount,
      currency: event.currency,
      at: event.at,
    };
    if (event.merchant_name !== undefined) item.merchant_name = event.merchant_name;
    if (event.card_last4 !== undefined) item.card_last4 = event.card_last4;
    // Keep arrival order unless an event is older than the newest kept one: insert it in `at` order.
    const items = feed.items;
    let at = items.length;
    while (at > 0 && (items[at - 1] as FeedItem).at > item.at) at--;
    items.splice(at, 0, item);
    if (items.length > this.itemsPerAccount) items.shift();
  }
}
