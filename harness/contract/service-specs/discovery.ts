// The discovery stub's published contract: the Kubernetes Endpoints and EndpointSlice subset a mesh client
// reads, and the loopback admin API faultline drives its faults with (not meant to be replaced).
import { DEFAULT_BODY_LIMIT } from '../../../services/common/app.ts';
import { discoveryPlugin } from '../../../services/discovery/plugin.ts';
import { DISCOVERY_FAULT_KINDS } from '../../../services/discovery/faults/catalog.ts';
import { ref } from '../components.ts';
import { jsonResponse, kubernetesStatus, notFound } from '../responses.ts';
import type { JsonSchema, OpenAPIResponse } from '../types.ts';
import { SEED, is, type ServiceSpec } from './spec.ts';

const ADMIN_SERVICE_ANSWER: JsonSchema = {
  type: 'object',
  required: ['created', 'namespace', 'service', 'resourceVersion'],
  properties: { created: { type: 'boolean' }, namespace: { type: 'string' }, service: { type: 'string' }, resourceVersion: { type: 'string' } },
};

const ENDPOINTS_LIST = '/api/v1/namespaces/{namespace}/endpoints';
const ENDPOINTS_ONE = '/api/v1/namespaces/{namespace}/endpoints/{name}';
const SLICES_LIST = '/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices';
const SLICES_ONE = '/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices/{name}';
const SLICES_ALL = '/apis/discovery.k8s.io/v1/endpointslices';
const KUBERNETES_READS = [ENDPOINTS_LIST, ENDPOINTS_ONE, SLICES_LIST, SLICES_ONE, SLICES_ALL];
const DISCOVERY_KINDS = DISCOVERY_FAULT_KINDS.map((kind) => `discovery.${kind}`);

export const discovery: ServiceSpec = {
  service: 'discovery',
  title: 'faultline discovery stub',
  summary: 'The subset of the Kubernetes Endpoints and EndpointSlice APIs a mesh client reads, with a loopback admin API.',
  description: [
    "faultline's own discovery stub, published because a Kubernetes client reads it: `GET` one service's `Endpoints`, list a",
    "namespace's; `GET` one `EndpointSlice`, list a namespace's or every namespace's (`labelSelector=kubernetes.io/service-name=X`",
    "keeps one service's); and watch any list as a stream of `WatchEvent`s, one JSON object per line (`x-faultline-watch`).",
    'Endpoints and slices are two views of the same replicas at the same resourceVersions, and every discovery fault acts on',
    'both. Every error of these routes is a Kubernetes `Status` (an unknown path 404, another method 405, a path segment past',
    '253 characters 414, an API fault its own status). The default namespace is `payments`.',
    '',
    "It is not meant to be replaced: the `discovery.*` faults (null or empty subsets, stalled watches, a slow, failing or",
    'hung API, flapping, dead endpoints, a wrong port) are its own. The admin routes (`/__admin/*`, loopback only, 403 for',
    'a browser) are how faultline registers replicas and drives those faults.',
  ].join('\n'),
  bodyLimit: DEFAULT_BODY_LIMIT,
  healthPath: '/health',
  tags: [{ name: 'kubernetes', description: 'The Kubernetes core/v1 Endpoints and discovery.k8s.io/v1 EndpointSlice API subset.' }],
  tagOf: () => 'kubernetes',
  async register(app) {
    await app.register(discoveryPlugin, { seed: SEED });
  },
  responses(route) {
    if (route.path === ENDPOINTS_LIST || route.path === ENDPOINTS_ONE) {
      const one = route.path === ENDPOINTS_ONE;
      const out: Record<string, OpenAPIResponse> = {
        '200': jsonResponse(
          one
            ? "The service's Endpoints; with `watch=1`, a stream of WatchEvents for it, one JSON object per line."
            : "The namespace's EndpointsList; with `watch=1`, a stream of WatchEvents, one JSON object per line.",
          ref(one ? 'Endpoints' : 'EndpointsList'),
        ),
        '400': kubernetesStatus(400, 'A bad parameter, or a field selector other than `metadata.name` / `metadata.namespace` with `=` or `==`.'),
      };
      if (one) out['404'] = kubernetesStatus(404, 'No such service in the namespace.');
      return out;
    }
    if (route.path === SLICES_LIST || route.path === SLICES_ONE || route.path === SLICES_ALL) {
      const one = route.path === SLICES_ONE;
      const out: Record<string, OpenAPIResponse> = {
        '200': jsonResponse(
          one ? 'The EndpointSlice; with `watch=1`, a stream of WatchEvents for it, one JSON object per line.' : 'An EndpointSliceList; with `watch=1`, a stream of WatchEvents, one JSON object per line.',
          ref(one ? 'EndpointSlice' : 'EndpointSliceList'),
        ),
        '400': kubernetesStatus(400, 'A bad parameter, a label selector the API server grammar does not allow, or a field selector other than `metadata.name` / `metadata.namespace`.'),
      };
      if (one) out['404'] = kubernetesStatus(404, 'No such EndpointSlice in the namespace.');
      return out;
    }
    if (is(route, 'POST', '/__admin/services')) {
      return {
        '200': jsonResponse('The service existed.', ADMIN_SERVICE_ANSWER),
        '201': jsonResponse('The service was created with no replicas.', ADMIN_SERVICE_ANSWER),
      };
    }
    if (is(route, 'DELETE', '/__admin/services/{namespace}/{name}')) return { '404': notFound('No such service.', 'NOT_FOUND') };
    if (route.path === '/__admin/faults/{kind}') {
      const unknownKind = notFound('No such fault kind: the message lists the known ones.', 'NOT_FOUND');
      // PUT on a kind that has no route of its own is always refused.
      return route.method === 'PUT' ? { '200': null, '404': unknownKind } : { '404': unknownKind };
    }
    return {};
  },
  neededFor(route) {
    const prefix = '/__admin/faults/';
    if (route.method === 'PUT' && route.path.startsWith(prefix) && route.path !== `${prefix}{kind}`) return [`discovery.${route.path.slice(prefix.length)}`];
    if (route.method === 'DELETE' && (route.path === '/__admin/faults' || route.path === `${prefix}{kind}`)) return DISCOVERY_KINDS;
    return [];
  },
  watch(route) {
    if (route.method !== 'GET' || !KUBERNETES_READS.includes(route.path)) return undefined;
    return { query: 'watch=1', framing: 'ndjson', item: ref('WatchEvent') };
  },
  components: ['Error', 'Status', 'Endpoints', 'EndpointsList', 'EndpointSlice', 'EndpointSliceList', 'WatchEvent'],
};

