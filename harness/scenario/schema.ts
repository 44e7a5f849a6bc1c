// The scenario format: what a scenario file (TypeScript via defineScenario, or JSON/YAML a user writes)
// may say. Validated at load time; an unknown field or a bad value is an error naming the field.
import { z } from 'zod';
import { DurationError, parseDuration } from './duration.ts';
import { tolerancesSchema } from '../gate/baseline.ts';
import { loopbackUrlProblem } from './loopback-url.ts';
import { MAX_SEED, SEED_RANGE } from './seed.ts';
import { MAX_DESCRIPTION_CHARS } from '../summary/schema.ts';
import { LOAD_MODELS } from '../summary/types.ts';
import { routerTuningSchema } from './router-tuning.ts';
import { REPLACEABLE_SERVICES, SCALED_SERVICES, SERVICES, scaledField, type ReplaceableService, type ScaledField, type ScaledService } from '../../services/catalogue.ts';

export const ROUTER_POLICIES = ['naive', 'hardened'] as const;
export type RouterPolicy = (typeof ROUTER_POLICIES)[number];

const positiveInt = z.number().int().positive();
const nonNegative = z.number().nonnegative();

/**
 * Bounds on what a scenario file may hold (the file itself is at most MAX_SCENARIO_BYTES, checked before
 * it is read): a scenario is a few kilobytes, so these refuse a runaway or hostile file at once, naming
 * the field, instead of spending minutes and gigabytes on it.
 */
export const SCENARIO_LIMITS = {
  /** Bytes of a scenario file (JSON or YAML), checked before it is read. */
  bytes: 1024 * 1024,
  /** Characters of the description (it is copied into summary.json and every report). */
  description: MAX_DESCRIPTION_CHARS,
  faults: 256,
  thresholds: 200,
  expressionsPerThreshold: 20,
  /** Characters of a name, fault kind, target, threshold key or expression. */
  name: 256,
  /** Characters of a command, path, URL or environment value. */
  text: 4096,
  env: 100,
} as const;

const bounded = (max: number) => z.string().max(max, `must be at most ${max} characters`);

/** A duration in seconds, written as a number of seconds or with units (`500ms`, `30s`, `1m30s`). */
const seconds = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof DurationError ? err.message.replace(/^duration /, '') : String(err) });
    return z.NEVER;
  }
});

/** A scaled service's replica count: at most and by default what the catalogue (services/catalogue.ts) says. */
const replicaCount = (service: ScaledService) => positiveInt.max(SERVICES[service].scaled.max).default(SERVICES[service].replicas);

/** One replica count per scaled service of the catalogue, under its `scaled.field`: `processors`, `ledgers`, `feeds`. */
const replicaCounts = Object.fromEntries(SCALED_SERVICES.map((s) => [scaledField(s), replicaCount(s)])) as Record<ScaledField, ReturnType<typeof replicaCount>>;

export const topologySchema = z.strictObject({
  ...replicaCounts,
  router: z.enum(ROUTER_POLICIES).default('hardened'),
  /**
   * The hardened router's tuning override: defences switched off (`ejection: off`) and knobs set
   * (`attempt_timeout_ms: 300`); see services/router/tuning-override.ts. None by default.
   */
  router_tuning: routerTuningSchema.default({}),
  accounts: positiveInt.max(100_000).default(1000),
  /** Extra services registered in discovery with no replicas (a service scaled to zero). */
  scaled_to_zero: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,40}$/)).max(64).default([]),
  /** Put a fault proxy in front of every replica (needed for network faults). */
  proxies: z.boolean().default(true),
});

export const amountsSchema = z.strictObject({
  currency: z.string().regex(/^[A-Z]{3}$/).default('GBP'),
  /** Log-normal around a median, clamped to [min, max]; integer minor units. */
  median: positiveInt.default(1800),
  min: positiveInt.default(50),
  max: positiveInt.default(250_000),
});

export const mixSchema = z
  .strictObject({
    authorizations: nonNegative.default(0.86),
    reversals: nonNegative.default(0.04),
    balance: nonNegative.default(0.06),
    feed: nonNegative.default(0.04),
  })
  .refine((m) => m.authorizations + m.reversals + m.balance + m.feed > 0, {
    message: 'the mix must have at least one positive weight',
  });

export const trafficSchema = z.strictObject({
  /** The load model: one of LOAD_MODELS, each a file in harness/traffic/load/ registered in its registry.ts. */
  model: z.enum(LOAD_MODELS).default('open'),
  /** Open model: arrivals per second (all kinds together). */
  rate: z.number().positive().max(50_000).default(200),
  /** Closed model (autocannon): concurrent connections and pipelining. */
  connections: positiveInt.max(1000).default(50),
  pipelining: positiveInt.max(32).default(1),
  duration_s: seconds.pipe(z.number().positive().max(3600)).default(60),
  mix: mixSchema.default({ authorizations: 0.86, reversals: 0.04, balance: 0.06, feed: 0.04 }),
  amounts: amountsSchema.default({ currency: 'GBP', median: 1800, min: 50, max: 250_000 }),
  /** Size of the faker-generated merchant pool. */
  merchants: positiveInt.max(100_000).default(300),
  /**
   * Share of authorizations resent 0.3–1.5 s later under the same id with other content (amount, merchant,
   * or account): what a buggy client or a replaying network sends. A correct issuer refuses each (409).
   */
  conflicting_retries: z.number().min(0).max(0.5).default(0),
});

export const networkSchema = z.strictObject({
  /** The card network's issuer response deadline. */
  issuer_deadline_ms: positiveInt.max(60_000).default(2000),
  standin: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Stand-in approves up to this cumulative amount per card (minor units), declines above it. */
      limit_per_card: z.number().int().nonnegative().default(10_000),
    })
    .default({ enabled: true, limit_per_card: 10_000 }),
  /** How often the network retries an undelivered advice or reversal after faults heal. */
  advice_retry_ms: positiveInt.max(60_000).default(250),
});

export const faultSchema = z.strictObject({
  /** A unique name for this fault window, used in phases, thresholds and reports. */
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" and "-"'),
  /** The fault kind, e.g. network.latency, discovery.null_subsets, process.kill, http.abort, router.restart. */
  fault: bounded(SCENARIO_LIMITS.name).min(1),
  /** A service (ledger), a replica (ledger-1), or a special target the fault kind names. */
  target: bounded(SCENARIO_LIMITS.name).min(1),
  start_s: seconds.pipe(nonNegative),
  end_s: seconds.pipe(nonNegative),
  params: z.record(z.string(), z.unknown()).default({}),
});

export const thresholdsSchema = z
  .record(bounded(SCENARIO_LIMITS.name), z.array(bounded(SCENARIO_LIMITS.name).min(1)).min(1).max(SCENARIO_LIMITS.expressionsPerThreshold))
  .refine((t) => Object.keys(t).length <= SCENARIO_LIMITS.thresholds, { message: `at most ${SCENARIO_LIMITS.thresholds} threshold metrics` });

/** A validity limit that no longer exists: refused with what to write instead. */
const removedPreFaultLimit = z.undefined({
  error: "removed: the pipeline's own health before its first fault never makes a run inconclusive any more, it is compared and fails; hold it to a number with a threshold such as 'issuer_success_rate{phase:before}' or 'authorization_latency{phase:before}'",
});

/**
 * The limits of the machine's health during a run (see harness/gate/validity.ts for the defaults and
 * why). Break one and the verdict is `inconclusive`: the machine, not the pipeline, shaped the numbers.
 */
export const validityLimitsSchema = z.strictObject({
  event_loop_delay_p99_ms: z.number().positive().optional(),
  event_loop_delay_max_ms: z.number().positive().optional(),
  send_lateness_p99_ms: z.number().positive().optional(),
  late_share: z.number().min(0).max(1).optional(),
  fault_activation_late_ms: z.number().positive().optional(),
  /** Largest share (0..1) of the machine's CPU that processes outside the run may take. */
  foreign_cpu_share: z.number().min(0).max(1).optional(),
  pre_fault_issuer_success_rate: removedPreFaultLimit.optional(),
  pre_fault_latency_p50_ms: removedPreFaultLimit.optional(),
});

/** The mocks a user's own service can take the place of (services/catalogue.ts: discovery stays faultline's, it is the fault plane's). */
export { REPLACEABLE_SERVICES, type ReplaceableService };

/**
 * One mock replaced by the user's own service: a `command` faultline starts (N replicas, each in its own
 * process group, told its port and neighbours in environment variables), or the `url` of a service already
 * running on 127.0.0.1. Either way it sits behind its proxy and is registered in discovery like the mock.
 */
export const replacementSchema = z
  .strictObject({
    /** A shell command (`/bin/sh -c`) that starts one replica listening on $PORT. */
    command: bounded(SCENARIO_LIMITS.text).trim().min(1).optional(),
    /** The base address of a service already running on 127.0.0.1 or localhost (one replica). */
    url: bounded(SCENARIO_LIMITS.text).optional(),
    /** Replicas to start (command only); default: the topology's count for the service. */
    replicas: positiveInt.max(8).optional(),
    /** The route answered GET 200 once the replica is ready. */
    health: bounded(SCENARIO_LIMITS.name).regex(/^\/[^\s?#]*$/, 'must be a route starting with "/", e.g. /health').default('/health'),
    /** How long each replica may take to become healthy. */
    ready_timeout: seconds.pipe(z.number().positive().max(600)).default(20),
    /** Working directory of the command (default: the current one). */
    cwd: bounded(SCENARIO_LIMITS.text).min(1).optional(),
    /** Extra environment variables for the command. */
    env: z
      .record(bounded(SCENARIO_LIMITS.name).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), bounded(SCENARIO_LIMITS.text))
      .refine((e) => Object.keys(e).length <= SCENARIO_LIMITS.env, { message: `at most ${SCENARIO_LIMITS.env} variables` })
      .default({}),
  })
  .superRefine((r, ctx) => {
    const issue = (path: string, message: string): void => void ctx.addIssue({ code: 'custom', path: path ? [path] : [], message });
    if ((r.command === undefined) === (r.url === undefined)) return issue('', 'give either `command` (faultline starts it) or `url` (it already runs), not both');
    if (r.url === undefined) return;
    const problem = loopbackUrlProblem(r.url);
    if (problem) issue('url', problem);
    if (r.replicas !== undefined && r.replicas !== 1) issue('replicas', 'a URL is one replica: `replicas` applies to a command');
    if (r.cwd !== undefined) issue('cwd', '`cwd` applies to a command, not a URL');
    if (Object.keys(r.env).length > 0) issue('env', '`env` applies to a command, not a URL');
  });

/** A replacement of a service that runs one replica (the catalogue says why): `replicas` may only be 1. */
function replacementOf(service: ReplaceableService) {
  const entry: { scaled: unknown; oneReplica?: string } = SERVICES[service];
  if (entry.scaled) return replacementSchema.optional();
  const why = entry.oneReplica ?? `${service} runs one replica`;
  return replacementSchema.refine((r) => r.replicas === undefined || r.replicas === 1, { path: ['replicas'], message: `${why}: replicas must be 1` }).optional();
}

/** One optional replacement per replaceable service of the catalogue. */
export const replaceSchema = z.strictObject(
  Object.fromEntries(REPLACEABLE_SERVICES.map((s) => [s, replacementOf(s)])) as Record<ReplaceableService, ReturnType<typeof replacementOf>>,
);

export const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  description: bounded(SCENARIO_LIMITS.description).min(1),
  /** Which failure story in shared/seeds this scenario is traced to. */
  story: bounded(SCENARIO_LIMITS.name).default(''),
  seed: z.number().refine((n) => Number.isInteger(n) && n >= 0 && n <= MAX_SEED, { message: `a seed is ${SEED_RANGE}` }).default(1),
  topology: topologySchema.default(topologySchema.parse({})),
  traffic: trafficSchema.default(trafficSchema.parse({})),
  network: networkSchema.default(networkSchema.parse({})),
  faults: z.array(faultSchema).max(SCENARIO_LIMITS.faults, `at most ${SCENARIO_LIMITS.faults} fault windows`).default([]),
  thresholds: thresholdsSchema.default({}),
  /**
   * Seconds of traffic before t = 0: recorded and charted, never gated (cold start, JIT, connection
   * set-up). Fault times and duration_s count from its end.
   */
  warmup_s: seconds.pipe(z.number().min(0).max(600)).default(5),
  /** Overrides of the run-health limits (partial). */
  validity: validityLimitsSchema.default({}),
  /**
   * This scenario's own baseline noise bands, where measurement showed it varies more than the defaults
   * allow (same shape as a --tolerances file, which overrides them).
   */
  baseline_tolerances: tolerancesSchema.default({}),
  /** Seconds to wait after traffic for advices, reversals and events to drain. */
  drain_s: seconds.pipe(z.number().positive().max(600)).default(15),
  /** Mocks replaced by the user's own services, by command or by URL (embedded mode). */
  replace: replaceSchema.default({}),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type FaultWindow = z.output<typeof faultSchema>;
export type TrafficSpec = z.output<typeof trafficSchema>;
export type TopologySpec = z.output<typeof topologySchema>;
export type NetworkSpec = z.output<typeof networkSchema>;
export type Replacement = z.output<typeof replacementSchema>;
export type ReplacementInput = z.input<typeof replacementSchema>;
export type Replacements = z.output<typeof replaceSchema>;
export type ValidityLimitsInput = z.output<typeof validityLimitsSchema>;
