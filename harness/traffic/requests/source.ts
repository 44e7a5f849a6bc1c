// Where a run's requests come from, in the two forms a load model sends by: an arrival schedule (a replay,
// or the plan generated for the scenario's rate and mix) and an endless stream of authorizations (virtual
// users that send the next one as soon as an answer comes). Nothing is made until a model asks for its form.
// Time 0 is the end of the warm-up: the schedule's warm-up requests have negative offsets.
import type { AccountSeed } from '../../../services/common/accounts.ts';
import type { TrafficSpec } from '../../scenario/schema.ts';
import { authorizationStream, planTraffic } from './generator.ts';
import type { PlannedRequest } from './planned-request.ts';
import type { ReplayPlan } from './replay.ts';

export interface RequestSource {
  /** The arrival schedule, offsets non-decreasing from -warm-up: the replay, else the generated plan. */
  schedule(): Iterable<PlannedRequest>;
  /** The kinds of request the schedule holds: the replay's, else the mix's (and conflicting retries). */
  scheduleKinds(): string[];
  /** An endless stream of authorizations, each sent when it is taken (offset 0). */
  authorizations(): Iterator<PlannedRequest>;
  /** The schedule is a recording, which may end before the run does. */
  readonly recorded: boolean;
}

export interface RequestSourceOptions {
  seed: number;
  traffic: TrafficSpec;
  accounts: readonly AccountSeed[];
  warmupS: number;
  /** The requests of a replay file (already shifted so its warm-up comes before t = 0), or null to generate. */
  replay: ReplayPlan | null;
}

export function requestSource(o: RequestSourceOptions): RequestSource {
  const { seed, traffic, accounts, replay } = o;
  return {
    recorded: replay !== null,
    schedule: () => replay ?? shifted(planTraffic({ seed, traffic, accounts, durationS: o.warmupS + traffic.duration_s }), -o.warmupS * 1000),
    scheduleKinds: () => (replay ? replayKinds(replay) : mixKinds(traffic)),
    authorizations: () => {
      const bodies = authorizationStream({ seed, traffic, accounts, idPrefix: 'cap' });
      return { next: () => ({ done: false, value: { kind: 'authorization', offset_ms: 0, body: bodies.next().value } }) };
    },
  };
}

/** Shifts a plan's offsets by `byMs` (a plan starting at 0 starts at -warm-up). */
function* shifted(plan: Iterable<PlannedRequest>, byMs: number): Generator<PlannedRequest> {
  for (const r of plan) yield { ...r, offset_ms: Math.round((r.offset_ms + byMs) * 1000) / 1000 };
}

function replayKinds(replay: ReplayPlan): string[] {
  return Object.entries(replay.info.kinds).filter(([, n]) => n > 0).map(([kind]) => kind);
}

function mixKinds(traffic: TrafficSpec): string[] {
  const mix: Array<[string, number]> = [['authorization', traffic.mix.authorizations], ['reversal', traffic.mix.reversals], ['balance', traffic.mix.balance], ['feed', traffic.mix.feed]];
  const kinds = mix.filter(([, weight]) => weight > 0).map(([kind]) => kind);
  return traffic.conflicting_retries > 0 ? [...kinds, 'conflicting_retry'] : kinds;
}
