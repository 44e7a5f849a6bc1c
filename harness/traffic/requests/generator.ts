// Seeded payment traffic: an arrival schedule at a target rate, each arrival an authorization, a reversal
// of an earlier authorization, or an app read (balance / feed), drawn by the scenario's mix.
// Same seed, same accounts, same spec -> the same requests, byte for byte (nothing reads the clock or
// Math.random; merchants come from a dedicated seeded Faker, every other draw from one seeded Rng).
//
// Arrivals are evenly spaced by default (offset n = n * 1000 / rate, like wrk2 and k6's
// constant-arrival-rate), so a run's request count is exact and an open-model rate error is the
// scheduler's alone. `arrivals: 'poisson'` draws exponential gaps from the seed instead (bursty, as
// independent cardholders are); the mean rate is the same.
import type { AuthorizationRequest } from '../../../services/card-processor/contract.ts';
import type { AccountSeed } from '../../../services/common/accounts.ts';
import { createRng, hashSeed, type Rng } from '../../../services/common/random.ts';
import type { TrafficSpec } from '../../scenario/schema.ts';
import { drawAmount, DEFAULT_AMOUNT_SIGMA } from './amounts.ts';
import { channelFor, merchantPool, toMerchant, type PoolMerchant } from './merchants.ts';
import { withConflictingRetries } from './conflicting-retries.ts';
import type { PlannedRequest } from './planned-request.ts';

export type ArrivalProcess = 'uniform' | 'poisson';

export interface PlanOptions {
  seed: number;
  traffic: TrafficSpec;
  accounts: readonly AccountSeed[];
  /** Arrivals per second; defaults to traffic.rate. */
  rate?: number;
  /** Length of the schedule in seconds; defaults to traffic.duration_s. Offsets are < durationS * 1000. */
  durationS?: number;
  /** Evenly spaced (default) or Poisson arrivals. */
  arrivals?: ArrivalProcess;
  /** Stop after this many requests even if the duration is not over. */
  maxRequests?: number;
  /**
   * A reversal only refers to an authorization at least this old (default 2500 ms: past the default
   * issuer deadline, so the authorization has been answered or timed out when its reversal is sent).
   * When no authorization is old enough yet, an authorization is planned in the reversal's place.
   */
  reversalMinAgeMs?: number;
  /** Spread of ln(amount) (default 1.0). */
  amountSigma?: number;
}

export const DEFAULT_REVERSAL_MIN_AGE_MS = 2500;
/** How many reversible authorizations are remembered (the oldest are forgotten past this). */
const REVERSIBLE_POOL = 1024;

/** Offsets are kept to the microsecond so the JSON of a plan is short and stable. */
const roundOffset = (ms: number): number => Math.round(ms * 1000) / 1000;

interface Reversible {
  id: string;
  account_id: string;
  value: number;
  currency: string;
  offset_ms: number;
}

/** Builds request bodies from one seeded Rng: accounts, merchants, channels, amounts. */
class RequestFactory {
  readonly #rng: Rng;
  readonly #merchants: PoolMerchant[];
  readonly #accounts: readonly AccountSeed[];
  readonly #traffic: TrafficSpec;
  readonly #sigma: number;

  constructor(rng: Rng, seed: number, traffic: TrafficSpec, accounts: readonly AccountSeed[], sigma: number) {
    if (accounts.length === 0) throw new RangeError('traffic needs at least one account');
    this.#rng = rng;
    this.#merchants = merchantPool(seed, traffic.merchants);
    this.#accounts = accounts;
    this.#traffic = traffic;
    this.#sigma = sigma;
  }

  account(): AccountSeed {
    return this.#accounts[this.#rng.int(0, this.#accounts.length - 1)] as AccountSeed;
  }

  /** A few merchants get most of the traffic (index = size * u², so the first quarter gets half). */
  merchant(): PoolMerchant {
    const u = this.#rng.next();
    return this.#merchants[Math.floor(this.#merchants.length * u * u)] as PoolMerchant;
  }

  authorization(id: string): AuthorizationRequest {
    const account = this.account();
    const merchant = this.merchant();
    const channel = channelFor(merchant, this.#rng.next());
    const value = drawAmount(this.#rng, this.#traffic.amounts, this.#sigma);
    return {
      id,
      account_id: account.id,
      card: { token: account.card_token, last4: account.card_last4 },
      amount: { value, currency: this.#traffic.amounts.currency },
      merchant: toMerchant(merchant),
      channel,
    };
  }
}

/** Normalised cumulative weights of the mix, in the order authorization, reversal, balance, feed. */
function mixThresholds(mix: TrafficSpec['mix']): [number, number, number] {
  const total = mix.authorizations + mix.reversals + mix.balance + mix.feed;
  if (!(total > 0)) throw new RangeError('the traffic mix must have at least one positive weight');
  const a = mix.authorizations / total;
  const r = a + mix.reversals / total;
  const b = r + mix.balance / total;
  return [a, r, b];
}

function* generate(opts: PlanOptions): Generator<PlannedRequest> {
  const { seed, traffic } = opts;
  const rate = opts.rate ?? traffic.rate;
  const durationMs = (opts.durationS ?? traffic.duration_s) * 1000;
  const maxRequests = opts.maxRequests ?? Number.POSITIVE_INFINITY;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`rate must be a positive number, got ${rate}`);
  if (!(durationMs >= 0)) throw new RangeError(`durationS must be >= 0, got ${opts.durationS}`);
  const minAge = opts.reversalMinAgeMs ?? DEFAULT_REVERSAL_MIN_AGE_MS;
  const poisson = (opts.arrivals ?? 'uniform') === 'poisson';
  const gapMs = 1000 / rate;

  const rng = createRng(hashSeed('traffic', seed));
  const arrivalRng = createRng(hashSeed('arrivals', seed));
  const factory = new RequestFactory(rng, seed, traffic, opts.accounts, opts.amountSigma ?? DEFAULT_AMOUNT_SIGMA);
  const [tAuth, tRev, tBal] = mixThresholds(traffic.mix);
  const trackReversible = traffic.mix.reversals > 0;

  // Authorizations not yet old enough to reverse (FIFO), and those that are (bounded pool).
  let young: Reversible[] = [];
  let youngHead = 0;
  const reversible: Reversible[] = [];
  let evict = 0;

  let t = 0;
  for (let n = 0; n < maxRequests; n++) {
    if (poisson) {
      if (n > 0) t += -Math.log(1 - arrivalRng.next()) * gapMs;
    } else {
      t = n * gapMs;
    }
    if (t >= durationMs) return;
    const offset_ms = roundOffset(t);

    if (trackReversible) {
      while (youngHead < young.length && offset_ms - (young[youngHead] as Reversible).offset_ms >= minAge) {
        const item = young[youngHead++] as Reversible;
        if (reversible.length < REVERSIBLE_POOL) reversible.push(item);
        else reversible[evict++ % REVERSIBLE_POOL] = item;
      }
      if (youngHead > 4096 && youngHead * 2 > young.length) {
        young = young.slice(youngHead);
        youngHead = 0;
      }
    }

    const u = rng.next();
    if (u >= tAuth && u < tRev && reversible.length > 0) {
      const i = rng.int(0, reversible.length - 1);
      const target = reversible[i] as Reversible;
      reversible[i] = reversible[reversible.length - 1] as Reversible;
      reversible.pop();
      yield {
        kind: 'reversal',
        offset_ms,
        body: {
          id: `rev-${seed}-${n}`,
          authorization_id: target.id,
          account_id: target.account_id,
          amount: { value: target.value, currency: target.currency },
        },
      };
    } else if (u < tRev) {
      // An authorization, or a reversal with nothing old enough to reverse yet: authorize instead.
      const body = factory.authorization(`auth-${seed}-${n}`);
      if (trackReversible) {
        young.push({ id: body.id, account_id: body.account_id, value: body.amount.value, currency: body.amount.currency, offset_ms });
      }
      yield { kind: 'authorization', offset_ms, body };
    } else if (u < tBal) {
      yield { kind: 'balance', offset_ms, account_id: factory.account().id, id: `bal-${seed}-${n}` };
    } else {
      yield { kind: 'feed', offset_ms, account_id: factory.account().id, id: `feed-${seed}-${n}` };
    }
  }
}

/**
 * The request plan of a run: lazy (one request built at a time, so a 10-minute run costs no memory)
 * and re-iterable (each iteration starts again from the seed and yields the same requests).
 */
export function planTraffic(opts: PlanOptions): Iterable<PlannedRequest> {
  // Validate eagerly so a bad spec fails at planning time, not on first iteration.
  mixThresholds(opts.traffic.mix);
  if (opts.accounts.length === 0) throw new RangeError('traffic needs at least one account');
  const share = opts.traffic.conflicting_retries;
  if (share > 0) return { [Symbol.iterator]: () => withConflictingRetries(generate(opts), share, opts.seed, opts.accounts) };
  return { [Symbol.iterator]: () => generate(opts) };
}

export interface AuthorizationStreamOptions {
  seed: number;
  traffic: TrafficSpec;
  accounts: readonly AccountSeed[];
  /** Id prefix: ids are `<prefix>-<seed>-<n>` (default `auth`). */
  idPrefix?: string;
  amountSigma?: number;
}

/** An endless stream of varied authorization bodies (for the closed model's setupRequest). */
export function* authorizationStream(opts: AuthorizationStreamOptions): Generator<AuthorizationRequest, never> {
  const rng = createRng(hashSeed('traffic', opts.seed, 'authorizations'));
  const factory = new RequestFactory(rng, opts.seed, opts.traffic, opts.accounts, opts.amountSigma ?? DEFAULT_AMOUNT_SIGMA);
  const prefix = opts.idPrefix ?? 'auth';
  for (let n = 0; ; n++) yield factory.authorization(`${prefix}-${opts.seed}-${n}`);
}
