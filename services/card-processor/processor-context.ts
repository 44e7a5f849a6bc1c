// What the card processor's routes share: the ledger calls, the seeded cards, the feed outbox, the ledger
// writes whose outcome is still unknown, and the deliberate defects. Built once per plugin instance.
import type { FeedEvent } from '../feed/contract.ts';
import { seedAccounts, type AccountSeed } from '../common/accounts.ts';
import { createRng, hashSeed } from '../common/random.ts';
import { mayHaveCommitted } from '../common/failure.ts';
import type { Router } from '../router/index.ts';
import { FeedOutbox } from './feed-outbox.ts';
import { eventsAnswerProblem } from './feed-answers.ts';
import { HopFailure, LedgerCalls, LedgerRefusal } from './ledger-calls.ts';
import { AmbiguousWrites } from './ambiguous-writes.ts';

export interface CardProcessorOptions {
  replica: string;
  router: Router;
  seed: number;
  accounts: number;
  /** Budget for the ledger call of one authorization (below the network's 2 s issuer deadline). */
  ledgerDeadlineMs?: number;
  /** Send feed events (off in unit tests without a feed). */
  feedEvents?: boolean;
  /**
   * Deliberate defect for checker tests: acknowledge this share of advices (0..100) without posting them,
   * so the advices-posted invariant has something real to catch.
   */
  dropAdvicesPercent?: number;
  /**
   * Deliberate defect for checker tests: answer a reused id from this replica's first answer whatever its
   * content (no content check in the ledger store), as the processor did before keys were judged by content.
   */
  idempotencyByIdOnly?: boolean;
}

export interface ProcessorContext {
  opts: CardProcessorOptions;
  router: Router;
  ledger: LedgerCalls;
  /** Seeded accounts by id: a card that is not the account's is declined without a ledger write. */
  cards: ReadonlyMap<string, AccountSeed>;
  /** The deliberate defect `idempotency_by_id_only`. */
  byIdOnly: boolean;
  outbox: FeedOutbox;
  unsettled: AmbiguousWrites;
  /** Queues a feed event (unless feed events are off). */
  emit(event: FeedEvent): void;
  /** The deliberate defect `drop_advices_percent`: whether to acknowledge this advice without posting it. */
  dropAdvice(): boolean;
  /** Runs a ledger write; if its outcome is unknown, keeps settling it in the background, then rethrows. */
  write<T>(key: string, call: () => Promise<T>, onAnswer: (answer: T) => void): Promise<T>;
}

/**
 * The ledger may have committed a write that failed this way: it was sent, and no answer came back — on the
 * last attempt, or on an earlier one the router retried after (a reset after commit, then a refusal).
 */
function ambiguous(err: unknown): boolean {
  return err instanceof HopFailure && (err.unansweredAttempt || mayHaveCommitted(err.hop, err.cause));
}

function feedOutbox(router: Router): FeedOutbox {
  return new FeedOutbox(async (events) => {
    const res = await router.request('feed', {
      method: 'POST',
      path: '/v1/events',
      body: { events },
      idempotent: true,
      deadlineMs: 2000,
    });
    if (res.status >= 500) throw new HopFailure('processor->feed', 'http_5xx', res.attempts, `feed answered ${res.status}`);
    if (res.status >= 400) throw new HopFailure('processor->feed', 'http_4xx', res.attempts, `feed refused the batch with ${res.status}`);
    // The batch counts as delivered only on an answer in the feed's contract that took every event.
    const problem = res.status === 200 ? eventsAnswerProblem(res.body, events.length) : `status ${res.status}; its contract answers 200`;
    if (problem !== null) throw new HopFailure('processor->feed', 'bad_answer', res.attempts, `feed answered /v1/events outside its contract: ${problem}`);
  });
}

export function createProcessorContext(opts: CardProcessorOptions): ProcessorContext {
  const router = opts.router;
  const cards = new Map<string, AccountSeed>();
  for (const account of seedAccounts(opts.seed, opts.accounts)) cards.set(account.id, account);
  const outbox = feedOutbox(router);
  const unsettled = new AmbiguousWrites();
  const defectRng = createRng(hashSeed('drop-advices', opts.seed, opts.replica));
  const dropPercent = opts.dropAdvicesPercent ?? 0;

  const write = async <T>(key: string, call: () => Promise<T>, onAnswer: (answer: T) => void): Promise<T> => {
    try {
      const answer = await call();
      onAnswer(answer);
      return answer;
    } catch (err) {
      if (ambiguous(err)) {
        unsettled.add(key, async () => {
          try {
            onAnswer(await call());
          } catch (again) {
            // The ledger answered with a refusal (e.g. the key was since used with other content): nothing
            // was written, so there is nothing left to settle.
            if (!(again instanceof LedgerRefusal)) throw again;
          }
        });
      }
      throw err;
    }
  };

  return {
    opts,
    router,
    ledger: new LedgerCalls(router, opts.ledgerDeadlineMs ?? 1500),
    cards,
    byIdOnly: opts.idempotencyByIdOnly === true,
    outbox,
    unsettled,
    emit: (event) => {
      if (opts.feedEvents !== false) outbox.push(event);
    },
    dropAdvice: () => dropPercent > 0 && defectRng.next() * 100 < dropPercent,
    write,
  };
}
