// The idempotency wrapper every network route shares: the request's claim (its key and the fields that
// define it, judged by content in the ledger store), concurrent duplicates on this replica sharing one call
// (in-flight.ts), and an answer shared with a duplicate marked `replayed: true`. With the deliberate defect
// `idempotency_by_id_only` there is no claim and answers are cached by id alone (id-only-answers.ts).
import type { IdempotencyClaim } from '../ledger/contract.ts';
import { contentOf } from './fingerprint.ts';
import { InFlight, type Dedup } from './in-flight.ts';
import { IdOnlyAnswers } from './id-only-answers.ts';

export interface IdempotentRouteOptions<Req> {
  byIdOnly: boolean;
  claim: (req: Req) => IdempotencyClaim;
  /** The key the defect caches by (default the network's id). */
  idOnlyKey?: (req: Req) => string;
}

export class IdempotentRoute<Req extends { id: string }, Res extends { replayed: boolean }> {
  private readonly dedup: Dedup<Res>;

  constructor(private readonly opts: IdempotentRouteOptions<Req>) {
    this.dedup = opts.byIdOnly ? new IdOnlyAnswers<Res>() : new InFlight<Res>();
  }

  /** Answers req with work(claim) unless a duplicate shares another call's answer (then marked replayed). */
  async answer(req: Req, work: (claim: IdempotencyClaim | undefined) => Promise<Res>): Promise<Res> {
    const claim = this.opts.byIdOnly ? undefined : this.opts.claim(req);
    const key = this.opts.byIdOnly && this.opts.idOnlyKey ? this.opts.idOnlyKey(req) : req.id;
    const [answer, shared] = await this.dedup.run(key, claim ? contentOf(claim) : '', () => work(claim));
    return shared ? { ...answer, replayed: true } : answer;
  }
}
