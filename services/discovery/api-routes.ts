// The Kubernetes API subset: core/v1 Endpoints (GET one, list a namespace) and discovery.k8s.io/v1
// EndpointSlices (GET one, list a namespace or every namespace), each list also a watch: a newline-delimited
// stream of WatchEvents. Errors are Kubernetes Status objects. API faults (hang, slow, fail) run before
// every call here, on both resources alike, never on the admin API.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { EndpointsStore } from './endpoints-store.ts';
import type { WatchHub } from './watch-hub.ts';
import type { ActiveFaults } from './faults/active-faults.ts';
import { sendStatus } from './api-errors.ts';
import { RESOURCE_GROUP, selectionOf, type DiscoveryResource } from './selection.ts';

export interface KubernetesApiOptions {
  store: EndpointsStore;
  hub: WatchHub;
  faults: ActiveFaults;
}

interface Query {
  watch?: string;
  resourceVersion?: string;
  fieldSelector?: string;
  labelSelector?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks?: string;
}

interface Params {
  namespace?: string;
  name?: string;
}

const dnsName = { type: 'string', minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' } as const;
const boolean = { type: 'string', enum: ['1', 'true', '0', 'false', ''] } as const;

const querySchema = {
  type: 'object',
  properties: {
    watch: boolean,
    resourceVersion: { type: 'string', pattern: '^[0-9]*$', maxLength: 20 },
    fieldSelector: { type: 'string', maxLength: 1024 },
    labelSelector: { type: 'string', maxLength: 1024 },
    timeoutSeconds: { type: 'integer', minimum: 0, maximum: 86_400 },
    allowWatchBookmarks: boolean,
  },
} as const;

const isTrue = (v: string | undefined): boolean => v === '1' || v === 'true';

export const ENDPOINTS_PATH = '/api/v1/namespaces/:namespace/endpoints';
export const SLICES_PATH = '/apis/discovery.k8s.io/v1/namespaces/:namespace/endpointslices';
export const ALL_SLICES_PATH = '/apis/discovery.k8s.io/v1/endpointslices';

const WATCH_TEXT =
  'With `watch=1` (or `true`) the answer is a chunked stream of `WatchEvent` objects, one JSON object per line: with no ' +
  '`resourceVersion` (or `0`) an `ADDED` event for every current object first, then every change; with ' +
  '`resourceVersion=N` the events after N (older than the history kept: one `ERROR` event with a 410 `Status`, reason ' +
  '`Expired`, and the stream ends); `timeoutSeconds=N` ends the stream after N seconds. Errors are `Status` objects.';

export const kubernetesApiRoutes: FastifyPluginAsync<KubernetesApiOptions> = async (app, opts) => {
  const { store, hub, faults } = opts;

  app.addHook('preHandler', async (request, reply) => {
    if (request.validationError) return sendStatus(reply, 400, request.validationError.message);
    if (!faults.hasGates) return;
    const rejection = await faults.gate(request.raw);
    if (rejection) return sendStatus(reply, rejection.status, rejection.message);
  });

  // Synchronous and returning nothing: every branch sends (or hijacks, for a watch) itself.
  const serve =
    (resource: DiscoveryResource) =>
    (request: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply): void => {
      const { namespace, name } = request.params;
      const selection = selectionOf(resource, request.params, request.query);
      if (typeof selection === 'string') return void sendStatus(reply, 400, selection);

      if (isTrue(request.query.watch)) {
        const asked = request.query.allowWatchBookmarks;
        reply.hijack();
        hub.open(reply.raw, {
          selection,
          resourceVersion: request.query.resourceVersion ? Number(request.query.resourceVersion) : undefined,
          // Kubernetes sends bookmarks only when asked, and so do the slice watches; the Endpoints watches
          // send them unless told not to (what the stub always did, and clients of it count on).
          bookmarks: resource === 'endpointslices' ? isTrue(asked) : asked === undefined || asked === '' || isTrue(asked),
          timeoutSeconds: request.query.timeoutSeconds,
        });
        return;
      }
      if (name !== undefined && namespace !== undefined) {
        const object = resource === 'endpoints' ? store.get(namespace, name) : store.getSlice(namespace, name);
        if (object) return void reply.send(object);
        const group = RESOURCE_GROUP[resource];
        return void sendStatus(reply, 404, `${resource}${group ? `.${group}` : ''} "${name}" not found`, undefined, {
          name,
          ...(group ? { group } : {}),
          kind: resource,
        });
      }
      void reply.send(resource === 'endpoints' ? store.list(selection) : store.listSlices(selection));
    };

  const params = (names: Array<'namespace' | 'name'>) =>
    ({ type: 'object', required: names, properties: Object.fromEntries(names.map((n) => [n, dnsName])) }) as const;

  const route = (url: string, resource: DiscoveryResource, summary: string, description: string, names: Array<'namespace' | 'name'>): void => {
    app.get<{ Params: Params; Querystring: Query }>(
      url,
      { attachValidation: true, schema: { summary, description, ...(names.length > 0 ? { params: params(names) } : {}), querystring: querySchema } },
      serve(resource),
    );
  };

  route(
    ENDPOINTS_PATH,
    'endpoints',
    "List a namespace's Endpoints, or watch them",
    'Kubernetes core/v1: an `EndpointsList` of every service in the namespace (`fieldSelector=metadata.name=X` keeps one). ' +
      `${WATCH_TEXT} \`BOOKMARK\` events carry the current resourceVersion unless \`allowWatchBookmarks=false\`. A service ` +
      'scaled to zero may be served with `subsets: null` (what Kubernetes did in 2017).',
    ['namespace'],
  );
  route(
    `${ENDPOINTS_PATH}/:name`,
    'endpoints',
    "One service's Endpoints, or watch it",
    "Kubernetes core/v1: the service's `Endpoints` (one subset per distinct port, addresses sorted by replica name), or " +
      'a 404 `Status` when there is no such service. With `watch=1` the answer is a stream of `WatchEvent` objects for this ' +
      'service only, one JSON object per line, as for the list.',
    ['namespace', 'name'],
  );
  const sliceText =
    'The same endpoints as the Endpoints API, at the same resourceVersion: one slice per distinct port set, named ' +
    '`<service>-<5 characters>`, labelled `kubernetes.io/service-name=<service>` (select one service\'s slices with ' +
    '`labelSelector=kubernetes.io/service-name=<service>`), each endpoint with one address and `conditions.ready`. A service ' +
    'with no endpoint has one placeholder slice (`ports: null`, `endpoints: []`; `endpoints: null` under the `null_subsets` fault). ' +
    `${WATCH_TEXT} \`BOOKMARK\` events only with \`allowWatchBookmarks=true\`, as Kubernetes.`;
  route(SLICES_PATH, 'endpointslices', "List a namespace's EndpointSlices, or watch them", `Kubernetes discovery.k8s.io/v1: an \`EndpointSliceList\`. ${sliceText}`, ['namespace']);
  route(
    `${SLICES_PATH}/:name`,
    'endpointslices',
    'One EndpointSlice, or watch it',
    'Kubernetes discovery.k8s.io/v1: the `EndpointSlice` by name, or a 404 `Status`. With `watch=1`, a stream of `WatchEvent` objects for it, one JSON object per line.',
    ['namespace', 'name'],
  );
  route(ALL_SLICES_PATH, 'endpointslices', 'List the EndpointSlices of every namespace, or watch them', `Kubernetes discovery.k8s.io/v1: an \`EndpointSliceList\` across namespaces. ${sliceText}`, []);
};
