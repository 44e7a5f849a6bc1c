// Discovery faults: the discovery stub's admin API (services/discovery/faults/) driven from a scenario.
// The window's target is the discovery service affected (`ledger`, `current-account`) for the faults on
// one service, or `discovery` for the API-wide ones. Apply = PUT /__admin/faults/{kind}; heal = DELETE
// of that kind (for one service: only that service's). Two overlapping windows of the same API-wide
// kind share one fault in the stub: the first to heal ends it.
import { z } from 'zod';
import type { FaultWindow } from '../scenario/schema.ts';
import type { ActiveFault, FaultContext, FaultKind } from './types.ts';

const ADMIN_TIMEOUT_MS = 3000;
export const DISCOVERY_API_TARGET = 'discovery';

const dnsName = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a Kubernetes name (lower-case letters, digits, "-" and ".")').max(253);

async function send(url: string, method: 'PUT' | 'DELETE', body?: Record<string, unknown>): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(ADMIN_TIMEOUT_MS),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as unknown) : null;
}

function faultsUrl(ctx: FaultContext, kind: string): string {
  return `${ctx.discoveryUrl.replace(/\/+$/, '')}/__admin/faults/${kind}`;
}

/** A fault on one discovery service: the window's target names it. */
function serviceFault<P extends z.ZodObject>(
  name: string,
  description: string,
  params: P,
  body: (params: z.output<P>) => Record<string, unknown>,
): FaultKind<P> {
  return {
    kind: `discovery.${name}`,
    description,
    params,
    target: 'discovery-service',
    async apply(window: FaultWindow, p: z.output<P>, ctx: FaultContext): Promise<ActiveFault> {
      if (window.target === DISCOVERY_API_TARGET) {
        throw new Error(`${window.name}: discovery.${name} targets one service in discovery (e.g. ledger), not "${DISCOVERY_API_TARGET}"`);
      }
      const payload: Record<string, unknown> = { ...body(p), service: window.target };
      const answer = (await send(faultsUrl(ctx, name), 'PUT', payload)) as { service_known?: boolean } | null;
      if (answer?.service_known === false) ctx.log(`${window.name}: discovery has no service "${window.target}" yet; the fault applies once it exists`);
      const query = new URLSearchParams({ service: window.target });
      if (typeof payload.namespace === 'string') query.set('namespace', payload.namespace);
      return {
        heal: async () => {
          await send(`${faultsUrl(ctx, name)}?${query.toString()}`, 'DELETE');
        },
      };
    },
  };
}

/** A fault on the whole discovery API: the window's target is `discovery`. */
function apiFault<P extends z.ZodObject>(name: string, description: string, params: P): FaultKind<P> {
  return {
    kind: `discovery.${name}`,
    description,
    params,
    target: 'discovery-service',
    async apply(window: FaultWindow, p: z.output<P>, ctx: FaultContext): Promise<ActiveFault> {
      if (window.target !== DISCOVERY_API_TARGET) {
        throw new Error(`${window.name}: discovery.${name} acts on the whole discovery API: its target must be "${DISCOVERY_API_TARGET}", not "${window.target}"`);
      }
      await send(faultsUrl(ctx, name), 'PUT', { ...(p as Record<string, unknown>) });
      return {
        heal: async () => {
          await send(faultsUrl(ctx, name), 'DELETE');
        },
      };
    },
  };
}

const scopeOnly = z.strictObject({ namespace: dnsName.optional() });
const withNamespace = (p: { namespace?: string }): Record<string, unknown> => (p.namespace ? { namespace: p.namespace } : {});

export const discoveryNullSubsets = serviceFault(
  'null_subsets',
  'discovery serves `subsets: null` for the target service (what Kubernetes 1.6+ served for a service scaled to zero; linkerd 1.x crashed on it)',
  scopeOnly,
  withNamespace,
);

export const discoveryEmptySubsets = serviceFault('empty_subsets', 'discovery serves `subsets: []` for the target service', scopeOnly, withNamespace);

const flapParams = z.strictObject({
  namespace: dnsName.optional(),
  /** A full absent+present cycle; each phase lasts half of it. */
  period_ms: z.number().int().min(20).max(600_000).default(1000),
});
export const discoveryFlap = serviceFault(
  'flap',
  "the target service's endpoints alternate absent/present (each for period_ms / 2)",
  flapParams,
  (p) => ({ ...withNamespace(p), period_ms: p.period_ms }),
);

const deadParams = z.strictObject({
  namespace: dnsName.optional(),
  count: z.number().int().min(1).max(64).default(1),
});
export const discoveryDeadEndpoints = serviceFault(
  'dead_endpoints',
  'discovery adds `count` endpoints to the target service that point at loopback ports where nothing listens',
  deadParams,
  (p) => ({ ...withNamespace(p), count: p.count }),
);

export const discoveryStallWatch = apiFault(
  'stall_watch',
  'watches stay open but deliver nothing more, not even bookmarks (stale endpoints); GETs stay fresh',
  z.strictObject({}),
);

export const discoverySlowApi = apiFault(
  'slow_api',
  'every discovery API call (GET, list, watch open) waits delay_ms',
  z.strictObject({ delay_ms: z.number().int().min(0).max(600_000).default(500) }),
);

export const discoveryFailApi = apiFault(
  'fail_api',
  'percent% of discovery API calls answer the given error status',
  z.strictObject({
    status: z.number().int().min(400).max(599).default(503),
    percent: z.number().min(0).max(100).default(100),
  }),
);

export const discoveryHangApi = apiFault('hang_api', 'discovery API calls never answer until the window ends (control-plane timeout)', z.strictObject({}));

export const discoveryFaultKinds: FaultKind[] = [
  discoveryNullSubsets,
  discoveryEmptySubsets,
  discoveryStallWatch,
  discoverySlowApi,
  discoveryFailApi,
  discoveryHangApi,
  discoveryFlap,
  discoveryDeadEndpoints,
];
