// Each mock service's HTTP contract as an OpenAPI 3.1 document, generated from its Fastify route schemas by
// @fastify/swagger. The service's app is built from its plugin exactly as its process builds it (createApp,
// the HTTP-faults plugin, the service plugin), with stand-ins for what it would call, and never listens.
//
// What @fastify/swagger gives (paths, parameters, request bodies, the declared responses, each route's
// `summary` and `description`) is then completed for a team implementing the service: an operationId and a
// tag per operation, every status the route answers (responses.ts, services.ts), `x-faultline-*` marks on
// faultline's own admin routes, the shared schemas under `components`, and the service-level rules in
// `info.description`. The documents are committed in services/contracts/ (`npm run contracts` writes them;
// test/contract/openapi.test.ts fails when they are stale).
//
// Importing @fastify/swagger here also brings its typing of route schemas' `summary`, `description` and `tags`
// (a `declare module 'fastify'` augmentation), which the service plugins use.
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../services/common/app.ts';
import { isAdminPath } from '../../services/common/browser-guard.ts';
import { componentsFor, hoistShared, refsIn, type ComponentName } from './components.ts';
import { BROWSER_REFUSED, badRequest, formatBytes, tooLarge } from './responses.ts';
import { SERVICE_SPECS, type RouteKey, type ServiceSpec } from './services.ts';
import { routesOf } from './routes.ts';
import {
  OPENAPI_METHODS,
  type ContractService,
  type HttpMethod,
  type JsonObject,
  type JsonValue,
  type OpenAPIDocument,
  type OpenAPIMethod,
  type OpenAPIOperation,
  type OpenAPIOperationExtensions,
  type OpenAPIParameter,
  type OpenAPIPathItem,
  type OpenAPIRequestBody,
  type OpenAPIResponse,
  type OpenAPITag,
  type ServiceContract,
} from './types.ts';

/** The contracts' own version: bump the minor for an added route or field, the major for anything a replacement must change. */
export const CONTRACT_VERSION = '2.0.0';
export const OPENAPI_VERSION = '3.1.0';

const JSON_TYPE = 'application/json';
const DEFAULT_DESCRIPTION = 'Default Response';

const COMMON_TAGS: readonly OpenAPITag[] = [
  { name: 'health', description: 'Readiness: faultline waits for it before traffic and after every restart.' },
  {
    name: 'admin',
    description:
      "faultline's own admin and fault routes (`x-faultline-internal`): loopback only, refused to web browsers. A " +
      'replacement need not serve them, except those whose `x-faultline-needed-for` names a fault kind you want to run on it.',
  },
];

const GENERATED_NOTE = [
  '',
  'Operations tagged `admin` carry `x-faultline-internal: true`; `x-faultline-needed-for` lists the fault kinds that need an',
  'operation on a replacement. Generated from the Fastify route schemas by `npm run contracts`: do not edit by hand.',
].join('\n');

/**
 * The service's app as the generator builds it: its process's plugins on createApp(), with stand-ins for what
 * it would call (no ledger behind the processor, no store behind a ledger replica), ready and never listening.
 * Drive it with app.inject(); close it when done.
 */
export async function buildServiceApp(service: ContractService): Promise<FastifyInstance> {
  const spec = SERVICE_SPECS[service];
  const app = createApp({ bodyLimit: spec.bodyLimit });
  try {
    // Before the service's plugins: @fastify/swagger collects routes as they are added.
    await app.register(fastifySwagger, { openapi: { openapi: OPENAPI_VERSION, info: { title: spec.title, version: CONTRACT_VERSION } } });
    await spec.register(app);
    await app.ready();
    return app;
  } catch (err) {
    await app.close();
    throw err;
  }
}

/** The service's contract as an OpenAPI 3.1 document. */
export async function openapiFor(service: ContractService): Promise<OpenAPIDocument> {
  const app = await buildServiceApp(service);
  try {
    return completeDocument(SERVICE_SPECS[service], plainJson(app.swagger(), 'the generated document'));
  } finally {
    await app.close();
  }
}

/** The service's document and its routes, flattened for a checker (see routes.ts). */
export async function contractFor(service: ContractService): Promise<ServiceContract> {
  const document = await openapiFor(service);
  return { service, document, routes: routesOf(document), healthPath: document['x-faultline-health'] };
}

/** The document as committed: two-space JSON with a final newline. */
export function serializeDocument(document: OpenAPIDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

// ---- completing @fastify/swagger's output ------------------------------------------------------

function completeDocument(spec: ServiceSpec, generated: JsonObject): OpenAPIDocument {
  const paths: Record<string, OpenAPIPathItem> = {};
  const usedTags = new Set<string>();
  for (const [path, rawItem] of Object.entries(objectAt(generated.paths, 'paths'))) {
    const item: OpenAPIPathItem = {};
    for (const [key, rawOperation] of Object.entries(objectAt(rawItem, `paths.${path}`))) {
      const method = openapiMethod(key, path);
      const operation = completeOperation(spec, { method: method.toUpperCase() as HttpMethod, path }, objectAt(rawOperation, `${key} ${path}`));
      for (const tag of operation.tags) usedTags.add(tag);
      item[method] = operation;
    }
    paths[path] = item;
  }
  if (!paths[spec.healthPath]?.get) throw new Error(`${spec.service}: no GET ${spec.healthPath} route`);
  const hoisted = hoistShared(paths as unknown as JsonValue) as unknown as Record<string, OpenAPIPathItem>;
  const referenced = new Set<ComponentName>([...spec.components, ...refsIn(hoisted)]);
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: spec.title,
      version: CONTRACT_VERSION,
      summary: spec.summary,
      description: `${spec.description}\n${GENERATED_NOTE}`,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: [...spec.tags, ...COMMON_TAGS].filter((tag) => usedTags.has(tag.name)),
    paths: hoisted,
    components: { schemas: componentsFor(referenced) },
    'x-faultline-service': spec.service,
    'x-faultline-health': spec.healthPath,
  };
}

function completeOperation(spec: ServiceSpec, route: RouteKey, raw: JsonObject): OpenAPIOperation {
  const where = `${spec.service}: ${route.method} ${route.path}`;
  const summary = raw.summary;
  const description = raw.description;
  if (typeof summary !== 'string' || summary === '' || typeof description !== 'string' || description === '') {
    throw new Error(`${where} has no summary or description in its route schema: add them (they are its documentation)`);
  }
  const internal = isAdminPath(route.path);
  const tag = internal ? 'admin' : route.path === spec.healthPath ? 'health' : spec.tagOf(route);
  const parameters = parametersOf(raw.parameters, where);
  const requestBody = requestBodyOf(raw.requestBody, spec.bodyLimit, where);

  const responses: Record<string, OpenAPIResponse> = {};
  for (const [status, rawResponse] of Object.entries(objectAt(raw.responses, `${where} responses`))) {
    responses[status] = responseOf(status, objectAt(rawResponse, `${where} response ${status}`), internal);
  }
  // What every route answers from its shape, then what this route answers beyond its declared schemas.
  if (requestBody) {
    responses['400'] = badRequest('the body');
    responses['413'] = tooLarge(spec.bodyLimit);
  } else if (parameters.length > 0) {
    responses['400'] = badRequest('a path or query parameter');
  }
  if (internal) responses['403'] = BROWSER_REFUSED;
  for (const [status, response] of Object.entries(spec.responses(route))) {
    if (response === null) delete responses[status];
    else responses[status] = structuredClone(response);
  }

  const marks: OpenAPIOperationExtensions = {};
  if (internal) marks['x-faultline-internal'] = true;
  const neededFor = spec.neededFor(route);
  if (neededFor.length > 0) marks['x-faultline-needed-for'] = [...neededFor];
  if (spec.optional?.(route) === true) marks['x-faultline-optional'] = true;
  const watch = spec.watch?.(route);
  if (watch) marks['x-faultline-watch'] = structuredClone(watch);
  return {
    operationId: operationIdOf(route),
    summary,
    description,
    tags: [tag],
    ...marks,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: sortResponses(responses),
  };
}

/** Path parameters first, then query parameters, each in declaration order. */
function parametersOf(raw: JsonValue | undefined, where: string): OpenAPIParameter[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new Error(`${where}: parameters is not a list`);
  const out = raw.map((value, i): OpenAPIParameter => {
    const p = objectAt(value, `${where} parameter ${i}`);
    if (typeof p.name !== 'string' || (p.in !== 'path' && p.in !== 'query')) throw new Error(`${where}: unexpected parameter ${JSON.stringify(p)}`);
    const parameter: OpenAPIParameter = { name: p.name, in: p.in, required: p.required === true, schema: objectAt(p.schema, `${where} ${p.name}`) };
    if (typeof p.description === 'string') parameter.description = p.description;
    return parameter;
  });
  return [...out.filter((p) => p.in === 'path'), ...out.filter((p) => p.in === 'query')];
}

/** The JSON body, if the route takes one; optional when its schema admits null; none for a `{type: 'null'}` body. */
function requestBodyOf(raw: JsonValue | undefined, bodyLimit: number, where: string): OpenAPIRequestBody | undefined {
  if (raw === undefined) return undefined;
  const content = objectAt(objectAt(raw, `${where} requestBody`).content, `${where} requestBody content`);
  const schema = objectAt(objectAt(content[JSON_TYPE], `${where} ${JSON_TYPE} body`).schema, `${where} body schema`);
  if (typesOf(schema).length === 1 && typesOf(schema)[0] === 'null') return undefined;
  const optional = admitsNull(schema);
  const limit = formatBytes(bodyLimit);
  const said = typeof schema.description === 'string' ? `${schema.description} ` : '';
  return {
    required: !optional,
    description: `${said}JSON (\`content-type: application/json\`), at most ${limit}${optional ? '; may be left out' : ''}.`,
    content: { [JSON_TYPE]: { schema } },
  };
}

function typesOf(schema: JsonObject): JsonValue[] {
  return Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
}

/** Whether the schema accepts null (`type` listing it, or an `anyOf` member that is `{type: 'null'}`): the body may be left out. */
function admitsNull(schema: JsonObject): boolean {
  if (typesOf(schema).includes('null')) return true;
  const members = Array.isArray(schema.anyOf) ? schema.anyOf : [];
  return members.some((m) => m !== null && typeof m === 'object' && !Array.isArray(m) && typesOf(m).includes('null'));
}

function responseOf(status: string, raw: JsonObject, internal: boolean): OpenAPIResponse {
  let description = typeof raw.description === 'string' ? raw.description : DEFAULT_DESCRIPTION;
  if (description === DEFAULT_DESCRIPTION) {
    if (status === '200') description = internal ? 'Done: the body is described above (faultline-internal).' : 'OK.';
    else if (status === '4XX') description = 'Any other refusal, as an error body; nothing was written.';
    else if (status === '5XX') description = 'A failure downstream (a technical failure, never a business answer).';
  }
  const response: OpenAPIResponse = { description };
  if (raw.content !== undefined) {
    const content = objectAt(raw.content, `response ${status} content`);
    response.content = {};
    for (const [type, media] of Object.entries(content)) response.content[type] = { schema: objectAt(objectAt(media, type).schema, `${type} schema`) };
  }
  return response;
}

/** Specific statuses in numeric order, then ranges (`4XX`), then `default`. */
function sortResponses(responses: Record<string, OpenAPIResponse>): Record<string, OpenAPIResponse> {
  const rank = (status: string): number => {
    if (/^\d{3}$/.test(status)) return Number(status);
    const range = /^(\d)XX$/.exec(status);
    if (range) return 1000 + Number(range[1]);
    return 2000;
  };
  const out: Record<string, OpenAPIResponse> = {};
  for (const status of Object.keys(responses).sort((a, b) => rank(a) - rank(b))) out[status] = responses[status] as OpenAPIResponse;
  return out;
}

/** `GET /v1/accounts/{id}/balance` → `getV1AccountsByIdBalance`; `/__admin/http-faults/{name}` → `…AdminHttpFaultsByName`. */
export function operationIdOf(route: RouteKey): string {
  const words = route.path
    .split('/')
    .filter((segment) => segment !== '')
    .flatMap((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      const parts = (param ? param[1] ?? '' : segment).split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
      return param ? ['By', ...parts] : parts;
    });
  return route.method.toLowerCase() + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

function openapiMethod(key: string, path: string): OpenAPIMethod {
  const method = OPENAPI_METHODS.find((m) => m === key);
  if (!method) throw new Error(`unexpected key "${key}" in path item ${path}`);
  return method;
}

/** What @fastify/swagger produced, as plain JSON (no undefined, no shared references). */
function plainJson(value: unknown, what: string): JsonObject {
  return objectAt(JSON.parse(JSON.stringify(value)) as JsonValue, what);
}

function objectAt(value: JsonValue | undefined, where: string): JsonObject {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where} is not an object`);
  return value;
}

