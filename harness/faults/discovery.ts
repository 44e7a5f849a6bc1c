// Discovery faults: the discovery stub's admin API driven from a scenario. There is one discovery.<kind>
// per fault registered in services/discovery/faults/registry.ts, made from the fault's own declaration
// (description, params with defaults). The window's target is the discovery service affected (`ledger`,
// `current-account`) for a fault on one service — its params are the fault's plus an optional
// `namespace`, the service being the target — or `discovery` for the API-wide ones. Apply = PUT
// /__admin/faults/{kind}; heal = DELETE of that kind (for one service: only that service's). Two
// overlapping windows of the same API-wide kind share one fault in the stub: the first to heal ends it.
import { z } from 'zod';
import { DISCOVERY_FAULTS } from '../../services/discovery/faults/catalog.ts';
import { serviceScope, type DiscoveryFaultDefinition } from '../../services/discovery/faults/types.ts';
import { adminCall } from '../http/admin-call.ts';
import type { ActiveFault, FaultContext, FaultKind, FaultWindowRef } from './types.ts';

const ADMIN_TIMEOUT_MS = 3000;
export const DISCOVERY_API_TARGET = 'discovery';

function send(url: string, method: 'PUT' | 'DELETE', body?: Record<string, unknown>): Promise<unknown> {
  return adminCall(url, { method, body, timeoutMs: ADMIN_TIMEOUT_MS });
}

function faultsUrl(ctx: FaultContext, kind: string): string {
  return `${ctx.discoveryUrl.replace(/\/+$/, '')}/__admin/faults/${kind}`;
}

/** A fault on one discovery service: the window's target names it. */
async function applyToService(kind: string, window: FaultWindowRef, params: Record<string, unknown>, ctx: FaultContext): Promise<ActiveFault> {
  if (window.target === DISCOVERY_API_TARGET) {
    throw new Error(`${window.name}: discovery.${kind} targets one service in discovery (e.g. ledger), not "${DISCOVERY_API_TARGET}"`);
  }
  const answer = (await send(faultsUrl(ctx, kind), 'PUT', { ...params, service: window.target })) as { service_known?: boolean } | null;
  if (answer?.service_known === false) ctx.log(`${window.name}: discovery has no service "${window.target}" yet; the fault applies once it exists`);
  const query = new URLSearchParams({ service: window.target });
  if (typeof params.namespace === 'string') query.set('namespace', params.namespace);
  return {
    heal: async () => {
      await send(`${faultsUrl(ctx, kind)}?${query.toString()}`, 'DELETE');
    },
  };
}

/** A fault on the whole discovery API: the window's target is `discovery`. */
async function applyToApi(kind: string, window: FaultWindowRef, params: Record<string, unknown>, ctx: FaultContext): Promise<ActiveFault> {
  if (window.target !== DISCOVERY_API_TARGET) {
    throw new Error(`${window.name}: discovery.${kind} acts on the whole discovery API: its target must be "${DISCOVERY_API_TARGET}", not "${window.target}"`);
  }
  await send(faultsUrl(ctx, kind), 'PUT', params);
  return {
    heal: async () => {
      await send(faultsUrl(ctx, kind), 'DELETE');
    },
  };
}

/** The discovery.<kind> fault kind of a registered discovery fault. */
function discoveryFault(definition: DiscoveryFaultDefinition): FaultKind {
  const service = definition.scope === 'service';
  const params = z.strictObject({ ...(service ? { namespace: serviceScope.namespace } : {}), ...definition.params.shape });
  const fault: FaultKind<typeof params> = {
    kind: `discovery.${definition.kind}`,
    description: definition.description,
    params,
    target: 'discovery-service',
    needs: { discoveryAdmin: true },
    apply: (window, values, ctx) => (service ? applyToService : applyToApi)(definition.kind, window, values, ctx),
  };
  return fault;
}

export const discoveryFaultKinds: FaultKind[] = [...DISCOVERY_FAULTS.values()].map(discoveryFault);
