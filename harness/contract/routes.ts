// A published document flattened into the routes a contract checker drives: for each operation, the JSON
// Schemas of what to send (path and query parameters as object schemas, the body) and of every documented
// answer, each self-contained (the document's `$ref`s inlined), so each compiles with Ajv as it is and a
// property-based generator can draw requests from it. Pure: works on a document read from
// services/contracts/ as well as on one openapiFor() just built.
import { SCHEMAS_PATH } from './components.ts';
import {
  OPENAPI_METHODS,
  type ContractResponse,
  type ContractRoute,
  type HttpMethod,
  type JsonSchema,
  type JsonValue,
  type OpenAPIDocument,
  type OpenAPIParameter,
} from './types.ts';

/** Every operation of the document, in document order. */
export function routesOf(document: OpenAPIDocument): ContractRoute[] {
  const inline = (schema: JsonSchema): JsonSchema => derefSchema(schema, document.components.schemas);
  const routes: ContractRoute[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of OPENAPI_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const request: ContractRoute['request'] = {};
      const params = objectSchemaOf(operation.parameters, 'path');
      const query = objectSchemaOf(operation.parameters, 'query');
      if (params) request.params = inline(params);
      if (query) request.query = inline(query);
      const body = operation.requestBody?.content['application/json']?.schema;
      if (body) request.body = inline(body);
      const responses = Object.entries(operation.responses).map(([status, response]): ContractResponse => {
        const out: ContractResponse = { status, description: response.description };
        const [contentType, media] = Object.entries(response.content ?? {})[0] ?? [];
        if (contentType && media) {
          out.contentType = contentType;
          out.schema = inline(media.schema);
        }
        return out;
      });
      const route: ContractRoute = {
        method: method.toUpperCase() as HttpMethod,
        path,
        operationId: operation.operationId,
        summary: operation.summary,
        description: operation.description,
        tags: [...operation.tags],
        internal: operation['x-faultline-internal'] === true,
        neededFor: [...(operation['x-faultline-needed-for'] ?? [])],
        optional: operation['x-faultline-optional'] === true,
        request,
        responses,
      };
      const watch = operation['x-faultline-watch'];
      if (watch) route.watch = { ...watch, item: inline(watch.item) };
      routes.push(route);
    }
  }
  return routes;
}

/**
 * The documented answer for a status: the exact status if documented, else its range (`4XX`), else `default`;
 * undefined when the route documents nothing that covers it (an undocumented status).
 */
export function responseFor(route: ContractRoute, status: number): ContractResponse | undefined {
  const exact = String(status);
  const range = `${exact.charAt(0)}XX`;
  return (
    route.responses.find((r) => r.status === exact) ??
    route.responses.find((r) => r.status === range) ??
    route.responses.find((r) => r.status === 'default')
  );
}

/** The route's path with its parameters filled in (each URI-encoded); throws naming a missing one. */
export function fillPath(path: string, params: Readonly<Record<string, string | number>>): string {
  return path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for path parameter "${name}" of ${path}`);
    return encodeURIComponent(String(value));
  });
}

/** The operations a replacement must serve: every route that is neither faultline-internal nor optional. */
export function requiredRoutes(routes: readonly ContractRoute[]): ContractRoute[] {
  return routes.filter((route) => !route.internal && !route.optional);
}

/** The parameters of one kind as one object schema: each parameter a property, only the listed ones allowed. */
function objectSchemaOf(parameters: readonly OpenAPIParameter[] | undefined, where: 'path' | 'query'): JsonSchema | undefined {
  const listed = (parameters ?? []).filter((p) => p.in === where);
  if (listed.length === 0) return undefined;
  const properties: Record<string, JsonValue> = {};
  for (const p of listed) properties[p.name] = p.description ? { ...p.schema, description: p.description } : p.schema;
  const required = listed.filter((p) => p.required).map((p) => p.name);
  const schema: JsonSchema = { type: 'object', properties, additionalProperties: false };
  if (required.length > 0) schema.required = required;
  return schema;
}

/** A copy of `schema` with every `#/components/schemas/…` reference replaced by (a copy of) its target. */
export function derefSchema(schema: JsonSchema, components: Readonly<Record<string, JsonSchema>>): JsonSchema {
  const walk = (value: JsonValue, seen: readonly string[]): JsonValue => {
    if (Array.isArray(value)) return value.map((item) => walk(item, seen));
    if (value === null || typeof value !== 'object') return value;
    const target = value.$ref;
    if (typeof target === 'string') {
      if (!target.startsWith(SCHEMAS_PATH)) throw new Error(`unsupported $ref ${target}`);
      const name = target.slice(SCHEMAS_PATH.length);
      const resolved = components[name];
      if (!resolved) throw new Error(`$ref ${target} does not resolve`);
      if (seen.includes(name)) throw new Error(`$ref ${target} is recursive`);
      // Siblings of a $ref (OpenAPI 3.1 allows them, e.g. a description) are kept next to the inlined target.
      const { $ref: _ref, ...siblings } = value;
      const inlined = walk(resolved, [...seen, name]) as JsonSchema;
      return Object.keys(siblings).length === 0 ? inlined : { ...inlined, ...(walk(siblings, seen) as JsonSchema) };
    }
    const out: Record<string, JsonValue> = {};
    for (const [key, child] of Object.entries(value)) out[key] = walk(child, seen);
    return out;
  };
  return walk(schema, []) as JsonSchema;
}
