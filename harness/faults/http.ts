// HTTP faults inside the mock services, Envoy-style: abort a percentage with a status, delay a
// percentage, and fail-after-commit (the handler commits, then the response is lost: the socket is
// reset). The kinds are declared once, in services/common/http-faults.ts (HTTP_FAULTS: description and
// params with defaults), which serves them; there is one http.<name> kind per entry, whose params are the
// fault's plus `routes`. Each window sets a rule named after itself on every target replica's own port
// (bypassing its proxy), so overlapping windows apply and heal independently.
import { z } from 'zod';
import { HTTP_FAULTS, HTTP_FAULTS_PATH, httpFaultRoutes, type HttpFaultName, type HttpFaultRuleInput } from '../../services/common/http-faults.ts';
import { hashSeed } from '../../services/common/random.ts';
import { adminCall } from '../http/admin-call.ts';
import type { ActiveFault, FaultContext, FaultKind, FaultReplica, FaultWindowRef } from './types.ts';

const ADMIN_TIMEOUT_MS = 3000;

function ruleUrl(replica: FaultReplica, window: FaultWindowRef): string {
  return `${replica.directUrl}${HTTP_FAULTS_PATH}/${encodeURIComponent(window.name)}`;
}

function send(url: string, method: 'PUT' | 'DELETE', rule?: HttpFaultRuleInput): Promise<unknown> {
  return adminCall(url, { method, body: rule, timeoutMs: ADMIN_TIMEOUT_MS });
}

/** Sets the rule on every running target replica; on a failure, clears what it set and throws naming the replica. */
async function applyRule(window: FaultWindowRef, rule: HttpFaultRuleInput, ctx: FaultContext): Promise<ActiveFault> {
  const targets = ctx.topology.resolveTarget(window.target);
  const applied: FaultReplica[] = [];
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
      let current: FaultReplica[];
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
function seedFor(window: FaultWindowRef, ctx: FaultContext): number {
  return hashSeed('http-fault-window', ctx.seed, window.name);
}

/** The http.<name> kind of one entry of HTTP_FAULTS: the fault's params plus the routes it applies to. */
function httpFault(name: HttpFaultName): FaultKind {
  const { description, params: faultParams } = HTTP_FAULTS[name];
  const params = z.strictObject({ ...faultParams.shape, routes: httpFaultRoutes.optional() });
  const fault: FaultKind<typeof params> = {
    kind: `http.${name}`,
    description,
    params,
    target: 'replica',
    needs: { adminRoute: HTTP_FAULTS_PATH },
    apply: (window, { routes, ...values }, ctx) => applyRule(window, { [name]: values, routes, seed: seedFor(window, ctx) }, ctx),
  };
  return fault;
}

export const httpFaultKinds: FaultKind[] = (Object.keys(HTTP_FAULTS) as HttpFaultName[]).map(httpFault);
