// The shapes of the published contracts: the subset of OpenAPI 3.1 faultline generates (openapi.ts), and the
// flat route list a contract checker reads (routes.ts). Every schema is plain JSON: JSON Schema as Fastify's
// Ajv reads it (OpenAPI 3.1 Schema Objects are JSON Schema), with no functions, classes or undefined values.
import { CONTRACT_SERVICES, type ContractService } from '../../services/catalogue.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

export interface JsonObject {
  [key: string]: JsonValue;
}

/** A JSON Schema object. In a document it may hold `$ref`s to `#/components/schemas/...`; in a ContractRoute it never does. */
export type JsonSchema = JsonObject;

/** The services whose contracts faultline publishes, in the order they are listed: those with a `contract` in services/catalogue.ts. */
export { CONTRACT_SERVICES, type ContractService };

export function isContractService(name: string): name is ContractService {
  return (CONTRACT_SERVICES as readonly string[]).includes(name);
}

/** HTTP methods as OpenAPI path items key them (lower case). */
export const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export type OpenAPIMethod = (typeof OPENAPI_METHODS)[number];
export type HttpMethod = Uppercase<OpenAPIMethod>;

/**
 * Vendor extensions on an operation:
 * - `x-faultline-internal`: a faultline admin or fault route (`/__admin/*`); a replacement need not serve it.
 * - `x-faultline-needed-for`: the fault kinds that need this route on a replacement (e.g. `http.abort` needs
 *   `/__admin/http-faults`); absent when nothing needs it.
 * - `x-faultline-optional`: a route a replacement may leave out (answering 404 or 405): faultline's readers fall
 *   back to other routes (the paged account listings, read one account at a time without them).
 * - `x-faultline-watch`: for a route that can stream (`?watch=1`), how the stream is framed and its items' schema.
 */
export interface OpenAPIOperationExtensions {
  'x-faultline-internal'?: true;
  'x-faultline-needed-for'?: string[];
  'x-faultline-optional'?: true;
  'x-faultline-watch'?: WatchStreamInfo;
}

export interface WatchStreamInfo {
  /** The query that turns the answer into a stream, e.g. `watch=1`. */
  query: string;
  /** `ndjson`: one JSON object per line, over a chunked 200 response. */
  framing: 'ndjson';
  /** The schema of one line (a `$ref` in a document, inlined in a ContractRoute). */
  item: JsonSchema;
}

export interface OpenAPIMediaType {
  schema: JsonSchema;
}

export interface OpenAPIResponse {
  description: string;
  /** Absent for a response documented without a body schema. */
  content?: Record<string, OpenAPIMediaType>;
}

export interface OpenAPIParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenAPIRequestBody {
  required: boolean;
  description?: string;
  content: Record<string, OpenAPIMediaType>;
}

export interface OpenAPIOperation extends OpenAPIOperationExtensions {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  parameters?: OpenAPIParameter[];
  requestBody?: OpenAPIRequestBody;
  /** By status: `200`, `409`, or a range such as `4XX`. */
  responses: Record<string, OpenAPIResponse>;
}

export type OpenAPIPathItem = Partial<Record<OpenAPIMethod, OpenAPIOperation>>;

export interface OpenAPITag {
  name: string;
  description: string;
}

/** One service's published contract: an OpenAPI 3.1 document. */
export interface OpenAPIDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; summary: string; description: string; license: { name: string; identifier: string } };
  tags: OpenAPITag[];
  /** Keyed by path template (`/v1/accounts/{id}`), in the order the service registers its routes. */
  paths: Record<string, OpenAPIPathItem>;
  components: { schemas: Record<string, JsonSchema> };
  /** Which faultline service this document describes. */
  'x-faultline-service': ContractService;
  /** The route faultline polls for readiness (GET, answered 200 when the process serves requests). */
  'x-faultline-health': string;
}

/** One response of a ContractRoute: its status key as in the document (`200`, `409`, `4XX`). */
export interface ContractResponse {
  status: string;
  description: string;
  /** `application/json` when the response has a body schema. */
  contentType?: string;
  /** Self-contained (no `$ref`): compile it with Ajv as it is. */
  schema?: JsonSchema;
}

/**
 * One operation of a service, flattened for a contract checker: what to send (the request's JSON Schemas) and
 * what may come back (each documented status with its schema). Every schema is self-contained.
 */
export interface ContractRoute {
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/v1/accounts/{id}`; fill it with fillPath(). */
  path: string;
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  /** A faultline admin or fault route: a replacement need not serve it (see neededFor). */
  internal: boolean;
  /** Fault kinds that need this route on a replacement; empty when none does. */
  neededFor: string[];
  /** A route a replacement may leave out (faultline's readers fall back without it). */
  optional: boolean;
  request: {
    /** An object schema of the path parameters (every one required); absent when the path has none. */
    params?: JsonSchema;
    /** An object schema of the query parameters the document lists (no others); absent when there are none. */
    query?: JsonSchema;
    /** The JSON body's schema; absent when the route takes no body. */
    body?: JsonSchema;
  };
  /** Documented answers, specific statuses before ranges (`409` before `4XX`). */
  responses: ContractResponse[];
  /** For a route that can stream: the query that turns it on, and one line's schema. */
  watch?: WatchStreamInfo;
}

/** A service's contract: the published document and its routes, flattened. */
export interface ServiceContract {
  service: ContractService;
  document: OpenAPIDocument;
  routes: ContractRoute[];
  /** The readiness route, e.g. `/health`. */
  healthPath: string;
}
