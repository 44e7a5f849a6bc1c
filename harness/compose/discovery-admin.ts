// The compose driver's calls to the pipeline's own admin APIs: registering replicas with the discovery
// stub (as an endpoints controller would), and waiting until every processor's router has resolved the
// ledger so traffic does not start into a cold mesh.
import { DEFAULT_NAMESPACE, type RegistrationRequest } from '../../services/discovery/contract.ts';
import type { ReplicaInfo } from '../topology/types.ts';

export class AdminCallError extends Error {
  override name = 'AdminCallError';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function postJson(target: string, body: unknown): Promise<void> {
  const res = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new AdminCallError(`${target} answered ${res.status}: ${await res.text()}`);
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

/** Waits until every processor's router has resolved the ledger (GET /__admin/router on its own port). */
export async function waitForRouters(processors: ReplicaInfo[], cancel: AbortSignal, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (const p of processors) {
    for (;;) {
      if (cancel.aborted) throw new AdminCallError('interrupted while waiting for the routers');
      try {
        const res = await fetch(`${p.directUrl}/__admin/router`, { signal: AbortSignal.timeout(1000) });
        // A processor of the user's own that has no router snapshot: nothing to wait for.
        if (res.status === 404) break;
        const snapshot = (await res.json()) as { services?: Record<string, { endpoints?: unknown[] }> };
        const ledger = snapshot.services?.ledger?.endpoints;
        if (Array.isArray(ledger) && ledger.length > 0) break;
      } catch {
        /* not yet */
      }
      if (Date.now() > until) throw new AdminCallError(`${p.name}: its router did not resolve the ledger within ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}
