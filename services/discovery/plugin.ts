// The discovery stub as one Fastify plugin: the Kubernetes Endpoints and EndpointSlice APIs (GET, list,
// watch) and its loopback admin API (registration, services scaled to zero, faults).
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { createApp } from '../common/app.ts';
import { createRng, hashSeed } from '../common/random.ts';
import { DEFAULT_NAMESPACE } from './contract.ts';
import { EndpointsStore } from './endpoints-store.ts';
import { WatchHub } from './watch-hub.ts';
import { ActiveFaults } from './faults/active-faults.ts';
import { kubernetesApiRoutes } from './api-routes.ts';
import { adminRoutes } from './admin-routes.ts';
import { MAX_NAME_LENGTH, answerErrors, discoveryFrameworkErrors } from './api-errors.ts';

export interface DiscoveryOptions {
  /** Namespace used when a registration or fault names none. Default `payments`. */
  namespace?: string;
  /** Interval between BOOKMARK events on every open watch. Default 1000 ms. */
  bookmarkMs?: number;
  /** Watch events kept for resuming from a resourceVersion (older ones get 410 Gone). Default 1000. */
  historySize?: number;
  /** Seeds fail_api's draws. */
  seed?: number;
  /** Services created empty at start (scaled to zero). */
  services?: string[];
  /** Let admin calls in from any address: only for compose mode, where the container network is private. */
  adminAnySource?: boolean;
}

export interface DiscoveryHandle {
  store: EndpointsStore;
  hub: WatchHub;
  faults: ActiveFaults;
}

export const DEFAULT_BOOKMARK_MS = 1000;

export const discoveryPlugin: FastifyPluginAsync<DiscoveryOptions & { onReady?: (handle: DiscoveryHandle) => void }> = async (app, opts) => {
  const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
  const store = new EndpointsStore(opts.historySize ?? 1000);
  const hub = new WatchHub(store, opts.bookmarkMs ?? DEFAULT_BOOKMARK_MS);
  const faults = new ActiveFaults(store, hub, namespace, createRng(hashSeed('discovery', opts.seed ?? 1)));
  for (const service of opts.services ?? []) store.createService(namespace, service);
  opts.onReady?.({ store, hub, faults });
  // First, so it sees every route registered below: unknown routes are 404 and other methods 405, as Status.
  answerErrors(app);

  // Healing on close releases calls held by hang_api/slow_api; ending the watches lets close() finish.
  app.addHook('preClose', async () => {
    faults.clear();
    hub.close();
  });

  // Liveness for the topology; never gated by the API faults (a hung API server is still a live process).
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness',
        description: 'Answers 200 while the process runs, even while an API fault (hang, slow, fail) is in force: a hung API server is still a live process.',
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        response: {
          200: {
            type: 'object',
            description: 'The stub is up: its current resourceVersion and the number of open watches.',
            properties: { status: { type: 'string' }, service: { type: 'string' }, resourceVersion: { type: 'string' }, watches: { type: 'integer' } },
          },
        },
      },
    },
    async () => ({ status: 'ok', service: 'discovery', resourceVersion: String(store.resourceVersion), watches: hub.count }),
  );

  await app.register(kubernetesApiRoutes, { store, hub, faults });
  await app.register(adminRoutes, { store, hub, faults, namespace, anySource: opts.adminAnySource === true });
};

/** What the app serving the stub needs: names up to Kubernetes' 253 characters, and its errors as Status. */
export const DISCOVERY_APP_OPTIONS = { maxParamLength: MAX_NAME_LENGTH, frameworkErrors: discoveryFrameworkErrors } as const;

/** A ready-to-listen discovery app, and its state for tests. */
export async function createDiscoveryApp(options: DiscoveryOptions = {}): Promise<{ app: FastifyInstance } & DiscoveryHandle> {
  const app = createApp(DISCOVERY_APP_OPTIONS);
  let handle: DiscoveryHandle | undefined;
  await app.register(discoveryPlugin, { ...options, onReady: (h) => (handle = h) });
  await app.ready();
  if (!handle) throw new Error('discovery plugin did not initialise');
  return { app, ...handle };
}
