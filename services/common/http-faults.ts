// HTTP faults inside a service, Envoy fault-filter style. Every service registers this plugin first; it
// adds admin routes on the service's own port (services bind 127.0.0.1, so loopback only):
//
//   GET    /__admin/http-faults          the active rules by name
//   PUT    /__admin/http-faults[/:name]  set a rule (name defaults to "default"); replaces a same-named rule
//   DELETE /__admin/http-faults[/:name]  clear one rule, or all of them
//
// A rule: { abort?: {percent, status}, delay?: {percent, delay_ms}, fail_after_commit?: {percent},
//           routes?: ["/v1/holds", ...] (path prefixes; default every route), seed?: number }
// declared once below in zod (HTTP_FAULTS): the route's JSON schema and the harness's http.* kinds come from it.
// - delay:   waits delay_ms before the request is handled (applied first, as Envoy does);
// - abort:   answers `status` with a JSON error body; the handler never runs;
// - fail_after_commit: the handler runs and commits, then the response is lost: the client's socket is
//   reset (RST) instead of answered. This is the case that tests idempotency of retries.
// Draws come from a seeded Rng per rule (seed, replica and rule name), so a run replays exactly.
// Named rules let overlapping fault windows apply and heal independently.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { createRng, hashSeed, type Rng } from './random.ts';
import { bodyJsonSchema, parseBody } from './zod-body.ts';

export const HTTP_FAULTS_PATH = '/__admin/http-faults';

const percent = z.number().min(0).max(100).default(100).describe('share of requests it hits, in %');

/**
 * The HTTP faults a rule can carry, each declared once: what it does and its params (with defaults).
 * The admin route's body schema and the harness's http.* fault kinds are both derived from this table.
 */
export const HTTP_FAULTS = {
  abort: {
    description: 'answer a percentage of requests with an error status without running the handler',
    params: z.strictObject({
      percent,
      status: z.int().min(400).max(599).default(503).describe('the status answered'),
    }),
  },
  delay: {
    description: 'delay a percentage of requests by delay_ms before they are handled',
    params: z.strictObject({
      percent,
      delay_ms: z.int().min(0).max(600_000).describe('milliseconds to wait before the request is handled'),
    }),
  },
  fail_after_commit: {
    description: 'run and commit a percentage of requests, then reset the connection instead of answering',
    params: z.strictObject({ percent }),
  },
} as const;

export type HttpFaultName = keyof typeof HTTP_FAULTS;
const FAULT_NAMES = Object.keys(HTTP_FAULTS) as HttpFaultName[];

/** Path prefixes a rule applies to, e.g. ["/v1/holds"]; every non-admin route when absent. */
export const httpFaultRoutes = z
  .array(z.string().min(1).max(256).regex(/^\//, 'must be a path starting with "/"'))
  .max(64)
  .describe('path prefixes the rule applies to; every route when absent');

/** One optional field per HTTP fault, in HTTP_FAULTS' order. */
const faultFields = Object.fromEntries(FAULT_NAMES.map((name) => [name, HTTP_FAULTS[name].params.optional()])) as {
  [N in HttpFaultName]: z.ZodOptional<(typeof HTTP_FAULTS)[N]['params']>;
};

const httpFaultRule = z
  .strictObject({
    ...faultFields,
    routes: httpFaultRoutes.optional(),
    seed: z.int().min(0).max(4_294_967_295).optional().describe("seed for this rule's draws; the plugin's seed when absent"),
  })
  .refine((rule) => FAULT_NAMES.some((name) => rule[name] !== undefined), {
    message: `must have required property ${FAULT_NAMES.map((n) => `'${n}'`).join(', ').replace(/, ([^,]*)$/, ' or $1')}`,
  });

/** A rule as the service holds it (defaults filled); a client may leave out what has a default. */
export type HttpFaultRule = z.output<typeof httpFaultRule>;
export type HttpFaultRuleInput = z.input<typeof httpFaultRule>;

export interface HttpFaultsOptions {
  seed?: number;
  /** Replica name, mixed into the seed so replicas of one service draw independently. */
  replica?: string;
}

export interface HttpFaultRulesBody {
  rules: Record<string, HttpFaultRule>;
}

/** JSON schema of the PUT body, derived from the zod rule. */
export const httpFaultRuleSchema = bodyJsonSchema(httpFaultRule);

const nameParams = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' } },
} as const;

const RULE_DESCRIPTION =
  'Sets (or replaces) a rule, then answers `{rules}`. A rule has at least one of `abort` (answer `status` without running ' +
  'the handler), `delay` (wait `delay_ms` first) and `fail_after_commit` (run the handler, then reset the connection instead ' +
  "of answering), each hitting `percent` of the requests whose path starts with one of `routes` (every non-admin route when " +
  "absent). Draws are seeded per rule, so a run replays exactly.";

interface ActiveRule {
  rule: HttpFaultRule;
  rng: Rng;
}

interface Decision {
  delayMs: number;
  abortStatus: number;
  abortRule: string;
  lose: boolean;
}

const plugin: FastifyPluginAsync<HttpFaultsOptions> = async (app: FastifyInstance, opts) => {
  const rules = new Map<string, ActiveRule>();
  const losing = new WeakSet<IncomingMessage>();

  const setRule = (name: string, rule: HttpFaultRule): void => {
    const seed = rule.seed ?? opts.seed ?? 0;
    rules.set(name, { rule, rng: createRng(hashSeed('http-faults', seed, opts.replica ?? '', name)) });
  };
  const listRules = (): HttpFaultRulesBody => {
    const out: Record<string, HttpFaultRule> = {};
    for (const [name, active] of rules) out[name] = active.rule;
    return { rules: out };
  };

  const decide = (url: string): Decision | null => {
    let decision: Decision | null = null;
    for (const [name, { rule, rng }] of rules) {
      if (rule.routes && !rule.routes.some((prefix) => url.startsWith(prefix))) continue;
      decision ??= { delayMs: 0, abortStatus: 0, abortRule: '', lose: false };
      // Every rule draws for each of its faults in a fixed order, so draws stay replayable.
      if (rule.delay && rng.next() * 100 < rule.delay.percent) decision.delayMs += rule.delay.delay_ms;
      if (rule.abort && rng.next() * 100 < rule.abort.percent && decision.abortStatus === 0) {
        decision.abortStatus = rule.abort.status;
        decision.abortRule = name;
      }
      if (rule.fail_after_commit && rng.next() * 100 < rule.fail_after_commit.percent) decision.lose = true;
    }
    return decision;
  };

  const abort = (reply: FastifyReply, decision: Decision): void => {
    void reply
      .code(decision.abortStatus)
      .header('x-faultline-fault', 'abort')
      .send({ error: `fault injected: abort (rule ${decision.abortRule})`, code: 'FAULT_INJECTED', status: decision.abortStatus });
  };

  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (rules.size === 0 || request.url.startsWith('/__admin/')) return done();
    const decision = decide(request.url);
    if (!decision) return done();
    // An aborted request never commits, so there is no answer to lose.
    if (decision.lose && decision.abortStatus === 0) losing.add(request.raw);
    const proceed = (): void => {
      if (decision.abortStatus !== 0) abort(reply, decision);
      else done();
    };
    if (decision.delayMs > 0) setTimeout(proceed, decision.delayMs);
    else proceed();
  });

  app.addHook('onSend', (request: FastifyRequest, _reply: FastifyReply, payload: unknown, done: (err: Error | null, payload?: unknown) => void) => {
    if (losing.has(request.raw)) {
      // The handler has committed; the answer never reaches the client: RST instead of a response.
      const socket = request.raw.socket;
      if (socket && !socket.destroyed) {
        try {
          socket.resetAndDestroy();
        } catch {
          socket.destroy();
        }
      }
    }
    done(null, payload);
  });

  app.get(
    HTTP_FAULTS_PATH,
    { schema: { summary: 'The HTTP fault rules in force', description: 'Answers `{rules: {<name>: rule}}` with the defaults filled in.' } },
    async () => listRules(),
  );

  app.put<{ Body: HttpFaultRuleInput }>(
    HTTP_FAULTS_PATH,
    { schema: { summary: 'Set the rule named `default`', description: RULE_DESCRIPTION, body: httpFaultRuleSchema } },
    async (request) => {
      setRule('default', parseBody(httpFaultRule, request.body));
      return listRules();
    },
  );

  app.put<{ Body: HttpFaultRuleInput; Params: { name: string } }>(
    `${HTTP_FAULTS_PATH}/:name`,
    { schema: { summary: 'Set a named rule (one per fault window)', description: RULE_DESCRIPTION, body: httpFaultRuleSchema, params: nameParams } },
    async (request) => {
      setRule(request.params.name, parseBody(httpFaultRule, request.body));
      return listRules();
    },
  );

  app.delete(HTTP_FAULTS_PATH, { schema: { summary: 'Heal every HTTP fault', description: 'Clears every rule; answers `{rules: {}}`.' } }, async () => {
    rules.clear();
    return listRules();
  });

  app.delete<{ Params: { name: string } }>(
    `${HTTP_FAULTS_PATH}/:name`,
    { schema: { summary: 'Heal one named rule', description: 'Clears the rule (a no-op when there is none); answers the rules left.', params: nameParams } },
    async (request) => {
      rules.delete(request.params.name);
      return listRules();
    },
  );
};

// Not encapsulated: the hooks must see every route of the service (what fastify-plugin does).
export const httpFaultsPlugin: FastifyPluginAsync<HttpFaultsOptions> = Object.assign(plugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'faultline-http-faults',
});
