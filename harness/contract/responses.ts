// The answers a route gives beyond the ones its Fastify schema declares, documented for a team implementing
// the service: the 4xx refusals by status with their `code`s, the 5xx a replica answers when its downstream
// fails, and the statuses every route shares (400 for bad input, 413 past the body limit, 403 for a browser on
// an admin route). Documentation only: nothing here changes how a route answers.
import { ref } from './components.ts';
import type { JsonSchema, OpenAPIResponse } from './types.ts';

const JSON_TYPE = 'application/json';

export function jsonResponse(description: string, schema: JsonSchema): OpenAPIResponse {
  return { description, content: { [JSON_TYPE]: { schema } } };
}

/** An Error body narrowed to one status and, when given, to some codes. */
function errorWith(status: number, codes?: readonly string[]): JsonSchema {
  const narrow: JsonSchema = { type: 'object', properties: { status: { const: status } } };
  if (codes && codes.length > 0) {
    (narrow.properties as Record<string, JsonSchema>).code = codes.length === 1 ? { const: codes[0] as string } : { enum: [...codes] };
  }
  return { allOf: [ref('Error'), narrow] };
}

/** A refusal with its status and codes, each code explained. */
export function refusal(status: number, codes: Readonly<Record<string, string>>): OpenAPIResponse {
  const names = Object.keys(codes);
  const explained = names.map((code) => `\`${code}\`: ${codes[code]}`).join(' ');
  if (status === 409 && names.includes('idempotency_conflict')) {
    const others = names.filter((c) => c !== 'idempotency_conflict');
    const schema = others.length === 0 ? ref('IdempotencyConflict') : { anyOf: [ref('IdempotencyConflict'), errorWith(409, others)] };
    return jsonResponse(`Conflict; nothing was written. ${explained}`, schema);
  }
  return jsonResponse(`Refused; nothing was written. ${explained}`, errorWith(status, names));
}

export function badRequest(what: string): OpenAPIResponse {
  return jsonResponse(
    `Bad input: ${what} fails the schema (or the body is not JSON). \`error\` names the field, e.g. \`body/amount/value must be integer\`; nothing was written.`,
    errorWith(400),
  );
}

export function tooLarge(limitBytes: number): OpenAPIResponse {
  return jsonResponse(`The body is larger than ${formatBytes(limitBytes)}.`, errorWith(413));
}

export const BROWSER_REFUSED: OpenAPIResponse = jsonResponse(
  'A web browser (User-Agent starting `Mozilla/`) is refused on every admin and fault route, as the Toxiproxy API does.',
  errorWith(403),
);

export function notFound(what: string, code?: string): OpenAPIResponse {
  return jsonResponse(what, errorWith(404, code ? [code] : undefined));
}

/** The 5xx a service answers when its downstream hop failed, each with a HopFailure body, each status explained. */
export function hopFailures(explained: { 502: string; 503: string; 504: string }): Record<string, OpenAPIResponse> {
  return {
    '502': jsonResponse(explained[502], ref('HopFailure')),
    '503': jsonResponse(explained[503], ref('HopFailure')),
    '504': jsonResponse(explained[504], ref('HopFailure')),
  };
}

/** Kubernetes API errors are Status objects. */
export function kubernetesStatus(status: number, description: string): OpenAPIResponse {
  return jsonResponse(description, {
    allOf: [ref('Status'), { type: 'object', properties: { code: { const: status } } }],
  });
}

export function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
