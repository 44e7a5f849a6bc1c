// The Kubernetes API subset: GET one Endpoints, list a namespace's Endpoints, and watch either as a
// newline-delimited stream of WatchEvents. Errors are Kubernetes Status objects. API faults (hang,
// slow, fail) run before every call here, never on the admin API.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { EndpointsStore } from './endpoints-store.ts';
import type { WatchHub } from './watch-hub.ts';
import type { ActiveFaults } from './faults/active-faults.ts';
import { renderStatus } from './render.ts';

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

const dnsName = { type: 'string', minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' } as const;

const querySchema = {
  type: 'object',
  properties: {
    watch: { type: 'string', enum: ['1', 'true', '0', 'false', ''] },
    resourceVersion: { type: 'string', pattern: '^[0-9]*$', maxLength: 20 },
    fieldSelector: { type: 'string', maxLength: 1024 },
    labelSelector: { type: 'string', maxLength: 1024 },
    timeoutSeconds: { type: 'integer', minimum: 0, maximum: 86_400 },
    allowWatchBookmarks: { type: 'string', enum: ['1', 'true', '0', 'false', ''] },
  },
} as const;

const isTrue = (v: string | undefined): boolean => v === '1' || v === 'true';

interface Selection {
  namespace?: string;
  name?: string;
}

/** Parses the field selectors Kubernetes supports on Endpoints: metadata.name and metadata.namespace. */
function parseFieldSelector(selector: string | undefined): Selection | string {
  const out: Selection = {};
  if (!selector) return out;
  for (const term of selector.split(',')) {
    const t = term.trim();
    if (!t) continue;
    if (t.includes('!=')) return `field selector "${t}": only = and == are supported`;
    const m = /^(metadata\.name|metadata\.namespace)==?(.*)$/.exec(t);
    if (!m) return `field label not supported: ${t.split('=')[0]}`;
    if (m[1] === 'metadata.name') out.name = m[2];
    else out.namespace = m[2];
  }
  return out;
}

export const kubernetesApiRoutes: FastifyPluginAsync<KubernetesApiOptions> = async (app, opts) => {
  const { store, hub, faults } = opts;

  app.addHook('preHandler', async (request, reply) => {
    if (request.validationError) {
      return reply.code(400).send(renderStatus(400, request.validationError.message));
    }
    if (!faults.hasGates) return;
    const rejection = await faults.gate(request.raw);
    if (rejection) return reply.code(rejection.status).send(renderStatus(rejection.status, rejection.message));
  });

  const fail = (reply: FastifyReply, code: number, message: string): void => {
    void reply.code(code).send(renderStatus(code, message));
  };

  // Synchronous and returning nothing: every branch sends (or hijacks, for a watch) itself.
  const serve = (request: FastifyRequest<{ Params: { namespace: string; name?: string }; Querystring: Query }>, reply: FastifyReply): void => {
    const { namespace } = request.params;
    const pathName = request.params.name;
    const selection = parseFieldSelector(request.query.fieldSelector);
    if (typeof selection === 'string') return fail(reply, 400, selection);
    if (selection.namespace !== undefined && selection.namespace !== namespace) {
      return fail(reply, 400, `fieldSelector namespace "${selection.namespace}" does not match the request's "${namespace}"`);
    }
    if (pathName !== undefined && selection.name !== undefined && selection.name !== pathName) {
      return fail(reply, 400, `fieldSelector metadata.name "${selection.name}" does not match the name in the path "${pathName}"`);
    }
    const name = pathName ?? selection.name;

    if (isTrue(request.query.watch)) {
      const bookmarks = request.query.allowWatchBookmarks;
      reply.hijack();
      hub.open(reply.raw, {
        namespace,
        name,
        resourceVersion: request.query.resourceVersion ? Number(request.query.resourceVersion) : undefined,
        // Kubernetes sends bookmarks only when asked; the stub sends them unless told not to.
        bookmarks: bookmarks === undefined || bookmarks === '' || isTrue(bookmarks),
        timeoutSeconds: request.query.timeoutSeconds,
      });
      return;
    }
    if (pathName !== undefined) {
      const object = store.get(namespace, pathName);
      if (!object) return fail(reply, 404, `endpoints "${pathName}" not found`);
      void reply.send(object);
      return;
    }
    void reply.send(store.list(namespace, name));
  };

  app.get<{ Params: { namespace: string }; Querystring: Query }>(
    '/api/v1/namespaces/:namespace/endpoints',
    {
      attachValidation: true,
      schema: {
        summary: "List a namespace's Endpoints, or watch them",
        description:
          'Kubernetes core/v1: an `EndpointsList` of every service in the namespace (`fieldSelector=metadata.name=X` keeps one). ' +
          'With `watch=1` (or `true`) the answer is a chunked stream of `WatchEvent` objects, one JSON object per line: with no ' +
          '`resourceVersion` (or `0`) an `ADDED` event for every current object first, then every change; with ' +
          '`resourceVersion=N` the events after N (older than the history kept: one `ERROR` event with a 410 `Status`, reason ' +
          '`Expired`, and the stream ends); `BOOKMARK` events carrying the current resourceVersion unless ' +
          '`allowWatchBookmarks=false`; `timeoutSeconds=N` ends the stream after N seconds. A service scaled to zero may be ' +
          'served with `subsets: null` (what Kubernetes did in 2017). Errors are `Status` objects.',
        params: { type: 'object', required: ['namespace'], properties: { namespace: dnsName } },
        querystring: querySchema,
      },
    },
    serve,
  );

  app.get<{ Params: { namespace: string; name: string }; Querystring: Query }>(
    '/api/v1/namespaces/:namespace/endpoints/:name',
    {
      attachValidation: true,
      schema: {
        summary: "One service's Endpoints, or watch it",
        description:
          "Kubernetes core/v1: the service's `Endpoints` (one subset per distinct port, addresses sorted by replica name), or " +
          'a 404 `Status` when there is no such service. With `watch=1` the answer is a stream of `WatchEvent` objects for this ' +
          'service only, one JSON object per line, as for the list.',
        params: { type: 'object', required: ['namespace', 'name'], properties: { namespace: dnsName, name: dnsName } },
        querystring: querySchema,
      },
    },
    serve,
  );
};
