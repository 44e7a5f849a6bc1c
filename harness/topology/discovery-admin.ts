// A topology's calls to the pipeline's own admin APIs: registering replicas with the discovery stub (as an
// endpoints controller would), and waiting until every processor's router has resolved the ledger so
// traffic does not start into a cold mesh. The embedded and compose topologies share them.
import { DEFAULT_NAMESPACE, type RegistrationRequest } from '../../services/discovery/contract.ts';
import { boundedJson } from '../http/bounded-body.ts';
import { adminCall } from '../http/admin-call.ts';
import { TopologyError } from './errors.ts';
import { sleep } from './replica.ts';
import type { ReplicaInfo } from './types.ts';

export class AdminCallError extends TopologyError {
  override name = 'AdminCallError';
}

async function postJson(target: string, body: unknown): Promise<void> {
  await adminCall(target, { method: 'POST', body, timeoutMs: 5000, fail: (message) => new AdminCallError(message) });
}

export function registerReplica(discoveryUrl: string, registration: RegistrationRequest): Promise<void> {
  return postJson(`${discoveryUrl}/__admin/register`, registration);
}

export function deregisterReplica(discoveryUrl: string, service: string, replica: string): Promise<void> {
  return postJson(`${discoveryUrl}/__admin/deregister`, { namespace: DEFAULT_NAMESPACE, service, replica });
}

/** A service that exists in discovery with no endpoints (scaled to zero). */
export function createEmptyService(discoveryUrl: string, service: string): Promise<void> {
  return postJson(`${discoveryUrl}/__admin/services`, { namespace: DEFAULT_NAMESPACE, service });
}

export interface WaitForRoutersOptions {
  timeoutMs: number;
  pollMs: number;
  cancel?: AbortSignal;
}

/** Waits until every processor's router has resolved the ledger (GET /__admin/router on its own address). */
export async function waitForRouters(processors: ReplicaInfo[], options: WaitForRoutersOptions): Promise<void> {
  const until = Date.now() + options.timeoutMs;
  for (const p of processors) {
    for (;;) {
      if (options.cancel?.aborted) throw new AdminCallError('interrupted while waiting for the routers');
      if (await routerResolvedLedger(p.directUrl)) break;
      if (Date.now() > until) throw new AdminCallError(`${p.name}: its router did not resolve the ledger within ${options.timeoutMs} ms`);
      await sleep(options.pollMs);
    }
  }
}

async function routerResolvedLedger(base: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/__admin/router`, { signal: AbortSignal.timeout(1000) });
    // A processor of the user's own that has no router snapshot: nothing to wait for.
    if (res.status === 404) return true;
    const snapshot = (await boundedJson(res)) as { services?: Record<string, { endpoints?: unknown[] }> };
    const ledger = snapshot.services?.ledger?.endpoints;
    return Array.isArray(ledger) && ledger.length > 0;
  } catch {
    return false; // not yet
  }
}
