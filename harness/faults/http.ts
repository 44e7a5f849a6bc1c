// HTTP faults inside the mock services, Envoy-style (services/common/http-faults.ts serves them):
// abort a percentage with a status, delay a percentage, and fail-after-commit (the handler commits,
// then the response is lost: the socket is reset). Each window sets a rule named after itself on every
// target replica's own port (bypassing its proxy), so overlapping windows apply and heal independently.
import { z } from 'zod';
import { HTTP_FAULTS_PATH, type HttpFaultRule } from '../../services/common/http-faults.ts';
import { hashSeed } from '../../services/common/random.ts';
import type { ReplicaInfo } from '../topology/types.ts';
import type { FaultWindow } from '../scenario/schema.ts';
import type { ActiveFault, FaultContext, FaultKind } from './types.ts';

const ADMIN_TIMEOUT_MS = 3000;

const percent = z.number().min(0).max(100);
/** Path prefixes, e.g. ["/v1/holds"]; every route when absent. */
const routes = z.array(z.string().startsWith('/').max(256)).max(64).optional();

function ruleUrl(replica: ReplicaInfo, window: FaultWindow): string {
  return `${replica.directUrl}${HTTP_FAULTS_PATH}/${encodeURIComponent(window.name)}`;
}

async function send(url: string, method: 'PUT' | 'DELETE', rule?: HttpFaultRule): Promise<void> {
  const res = await fetch(url, {
    method,
    headers: rule ? { 'content-type': 'application/json' } : undefined,
    body: rule ? JSON.stringify(rule) : undefined,
    signal: AbortSignal.timeout(ADMIN_TIMEOUT_MS),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
}

/** Sets the rule on every running target replica; on a failure, clears what it set and throws naming the replica. */
async function applyRule(window: FaultWindow, rule: HttpFaultRule, ctx: FaultContext): Promise<ActiveFault> {
  const targets = ctx.topology.resolveTarget(window.target);
  const applied: ReplicaInfo[] = [];
  for (const replica of targets) {
    if (!replica.running) {
      ctx.log(`${window.name}: ${replica.name} is not running; no HTTP fault set on it`);
      continue;
    }
    try {
      await send(ruleUrl(replica, window), 'PUT', rule);
      applied.push(replica);
    } catch (err) {
      await Promise.allSettled(applied.map((r) => send(ruleUrl(r, window), 'DELETE')));
      throw new Error(`${window.name}: cannot set the HTTP fault on ${replica.name}: ${(err as Error).message}`);
    }
  }
  return {
    heal: async () => {
      // Re-resolve: a replica restarted on a new port meanwhile has no rule, but its old address is gone.
      let current: ReplicaInfo[];
      try {
        current = ctx.topology.resolveTarget(window.target);
      } catch {
        current = applied;
      }
      const names = new Set(applied.map((r) => r.name));
      const results = await Promise.allSettled(current.filter((r) => names.has(r.name)).map((r) => send(ruleUrl(r, window), 'DELETE')));
      for (const result of results) {
        if (result.status === 'rejected') ctx.log(`${window.name}: clearing the HTTP fault: ${(result.reason as Error).message}`);
      }
    },
  };
}

/** Stable per run and per window, so a replayed run faults the same requests. */
function seedFor(window: FaultWindow, ctx: FaultContext): number {
  return hashSeed('http-fault-window', ctx.seed, window.name);
}

const abortParams = z.strictObject({
  percent: percent.default(100),
  status: z.number().int().min(400).max(599).default(503),
  routes,
});

export const httpAbort: FaultKind<typeof abortParams> = {
  kind: 'http.abort',
  description: 'answer a percentage of requests with an error status without running the handler',
  params: abortParams,
  target: 'replica',
  apply: (window, params, ctx) =>
    applyRule(window, { abort: { percent: params.percent, status: params.status }, routes: params.routes, seed: seedFor(window, ctx) }, ctx),
};

const delayParams = z.strictObject({
  percent: percent.default(100),
  delay_ms: z.number().int().min(0).max(600_000),
  routes,
});

export const httpDelay: FaultKind<typeof delayParams> = {
  kind: 'http.delay',
  description: 'delay a percentage of requests by delay_ms before they are handled',
  params: delayParams,
  target: 'replica',
  apply: (window, params, ctx) =>
    applyRule(window, { delay: { percent: params.percent, delay_ms: params.delay_ms }, routes: params.routes, seed: seedFor(window, ctx) }, ctx),
};

const failAfterCommitParams = z.strictObject({
  percent: percent.default(100),
  routes,
});

export const httpFailAfterCommit: FaultKind<typeof failAfterCommitParams> = {
  kind: 'http.fail_after_commit',
  description: 'run and commit a percentage of requests, then reset the connection instead of answering',
  params: failAfterCommitParams,
  target: 'replica',
  apply: (window, params, ctx) =>
    applyRule(window, { fail_after_commit: { percent: params.percent }, routes: params.routes, seed: seedFor(window, ctx) }, ctx),
};

export const httpFaultKinds: FaultKind[] = [httpAbort, httpDelay, httpFailAfterCommit];
