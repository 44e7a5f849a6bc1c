// The shared schemas a published document holds under `components.schemas`: the error bodies every service
// answers, and the Kubernetes objects the discovery stub serves (its routes declare no response schema, so that
// `subsets: null` is sent exactly as it is). The documented responses (responses.ts) point at these with `$ref`s.
//
// Each error body mirrors the one the services send (services/card-processor/contract.ts RefusalBody,
// services/ledger/book-errors.ts LedgerErrorBody, services/common/failure.ts HopFailureBody,
// services/discovery/contract.ts Status); test/contract/openapi.test.ts checks real answers against them.
import { CAUSES, HOPS } from '../../services/common/failure.ts';
import { httpFaultRuleSchema } from '../../services/common/http-faults.ts';
import { moneySchema } from '../../services/common/money.ts';
import { cardSchema, merchantSchema } from '../../services/card-processor/contract.ts';
import { idempotencyClaimSchema } from '../../services/ledger/contract.ts';
import { accountViewSchema } from '../../services/ledger/schemas.ts';
import type { JsonSchema, JsonValue } from './types.ts';

export const SCHEMAS_PATH = '#/components/schemas/';

export function ref(name: ComponentName): JsonSchema {
  return { $ref: `${SCHEMAS_PATH}${name}` };
}

/** The body of every 4xx faultline's services answer (400 validation errors included). */
const errorBody: JsonSchema = {
  type: 'object',
  description:
    'An error: the request was refused whole and nothing was written. `error` names the field at fault for a bad request ' +
    '(`body/amount/value must be integer`); `code` is machine-readable.',
  required: ['error', 'code', 'status'],
  properties: {
    error: { type: 'string', description: 'What is wrong, for humans; names the field for a bad request.' },
    code: { type: 'string', description: 'Machine-readable reason (e.g. `FST_ERR_VALIDATION`, `idempotency_conflict`, `unknown_account`).' },
    status: { type: 'integer', description: 'The HTTP status, repeated.' },
    field: { type: 'string', description: 'The request field at fault, e.g. `amount/currency`.' },
    key: { type: 'string', description: 'For a conflict: the reused key.' },
    fields: {
      type: 'array',
      items: { type: 'string' },
      description: 'For a conflict: the fields that differ from the key\'s first use (dotted paths such as `amount.value`), sorted.',
    },
  },
};

/** 409 for a reused key whose content differs from its first use. */
const idempotencyConflict: JsonSchema = {
  allOf: [
    ref('Error'),
    {
      type: 'object',
      required: ['key', 'fields'],
      properties: { code: { const: 'idempotency_conflict' }, status: { const: 409 } },
    },
  ],
  description: 'A reused key with other content: `key` is the key as the caller sent it, `fields` the fields that differ.',
};

const hopFailure: JsonSchema = {
  type: 'object',
  description:
    'A technical failure downstream (HopFailureBody), never a business answer. The caller attributes it by `hop` and ' +
    '`cause`; after a `timeout`, `reset` or `other` the write may have committed, and the caller settles it by retrying ' +
    'with the same ids. After any other cause nothing was written.',
  required: ['error', 'hop', 'cause'],
  properties: {
    error: { type: 'string' },
    hop: { type: 'string', enum: [...HOPS], description: 'Where it failed.' },
    cause: { type: 'string', enum: [...CAUSES], description: 'Why it failed.' },
    attempts: { type: 'integer', minimum: 0, description: 'Attempts made at that hop before giving up.' },
  },
};

const httpFaultRules: JsonSchema = {
  type: 'object',
  description: 'The HTTP fault rules in force, by name, with their defaults filled in.',
  required: ['rules'],
  properties: {
    rules: { type: 'object', additionalProperties: ref('HttpFaultRule') },
  },
};

// ---- Kubernetes objects, as services/discovery/contract.ts, render.ts and slice-set.ts produce them ----

const k8sName: JsonSchema = { type: 'string', minLength: 1, maxLength: 253 };
const resourceVersion: JsonSchema = { type: 'string', pattern: '^[0-9]+$', description: 'Decimal; every change bumps it by one.' };

const endpointAddress: JsonSchema = {
  type: 'object',
  required: ['ip'],
  properties: {
    ip: { type: 'string', description: 'IPv4 address of the replica.' },
    targetRef: {
      type: 'object',
      description: 'The replica, as Kubernetes names the pod.',
      required: ['kind', 'name', 'namespace'],
      properties: { kind: { const: 'Pod' }, name: k8sName, namespace: k8sName },
    },
  },
};

const endpointSubset: JsonSchema = {
  type: 'object',
  description: 'Replicas that share one port.',
  properties: {
    addresses: { type: 'array', items: ref('EndpointAddress') },
    notReadyAddresses: { type: 'array', items: ref('EndpointAddress') },
    ports: {
      type: 'array',
      items: {
        type: 'object',
        required: ['port', 'protocol'],
        properties: { name: { type: 'string' }, port: { type: 'integer', minimum: 1, maximum: 65535 }, protocol: { const: 'TCP' } },
      },
    },
  },
};

const endpoints: JsonSchema = {
  type: 'object',
  description: "One service's endpoints (core/v1 Endpoints): one subset per distinct port, addresses sorted by replica name.",
  required: ['kind', 'apiVersion', 'metadata', 'subsets'],
  properties: {
    kind: { const: 'Endpoints' },
    apiVersion: { const: 'v1' },
    metadata: {
      type: 'object',
      required: ['name', 'namespace', 'resourceVersion'],
      properties: { name: k8sName, namespace: k8sName, resourceVersion, uid: { type: 'string' }, creationTimestamp: { type: 'string' } },
    },
    subsets: {
      anyOf: [{ type: 'array', items: ref('EndpointSubset') }, { type: 'null' }],
      description: '`[]` when no replica is ready; `null` for a service scaled to zero under the `null_subsets` fault (Kubernetes 1.6+ in 2017).',
    },
  },
};

const endpointsList: JsonSchema = {
  type: 'object',
  description: "A namespace's endpoints (core/v1 EndpointsList).",
  required: ['kind', 'apiVersion', 'metadata', 'items'],
  properties: {
    kind: { const: 'EndpointsList' },
    apiVersion: { const: 'v1' },
    metadata: { type: 'object', required: ['resourceVersion'], properties: { resourceVersion } },
    items: { type: 'array', items: ref('Endpoints') },
  },
};

// ---- discovery.k8s.io/v1 EndpointSlices, as services/discovery/slice-set.ts renders them ----

const sliceEndpoint: JsonSchema = {
  type: 'object',
  description: 'One replica: one address, its readiness (ready is an Endpoints `addresses` entry, not ready a `notReadyAddresses` one).',
  required: ['addresses', 'conditions'],
  properties: {
    addresses: { type: 'array', minItems: 1, maxItems: 1, items: { type: 'string' } },
    conditions: {
      type: 'object',
      required: ['ready', 'serving', 'terminating'],
      properties: { ready: { type: 'boolean' }, serving: { type: 'boolean' }, terminating: { type: 'boolean' } },
    },
    targetRef: {
      type: 'object',
      required: ['kind', 'name', 'namespace'],
      properties: { kind: { const: 'Pod' }, name: k8sName, namespace: k8sName },
    },
  },
};

const endpointSlice: JsonSchema = {
  type: 'object',
  description:
    "One port set of a service's endpoints (discovery.k8s.io/v1 EndpointSlice), the same replicas as its Endpoints at the " +
    'same resourceVersion. A service with no endpoint has one placeholder slice: `ports: null` and `endpoints: []`, or ' +
    '`endpoints: null` under the `null_subsets` fault.',
  required: ['kind', 'apiVersion', 'metadata', 'addressType', 'endpoints', 'ports'],
  properties: {
    kind: { const: 'EndpointSlice' },
    apiVersion: { const: 'discovery.k8s.io/v1' },
    metadata: {
      type: 'object',
      required: ['name', 'generateName', 'namespace', 'resourceVersion', 'uid', 'generation', 'labels', 'ownerReferences'],
      properties: {
        name: k8sName,
        generateName: { type: 'string' },
        namespace: k8sName,
        resourceVersion,
        uid: { type: 'string' },
        generation: { type: 'integer', minimum: 1 },
        creationTimestamp: { type: 'string' },
        labels: {
          type: 'object',
          required: ['kubernetes.io/service-name', 'endpointslice.kubernetes.io/managed-by'],
          additionalProperties: { type: 'string' },
          description: '`kubernetes.io/service-name` names the service: select its slices with `labelSelector=kubernetes.io/service-name=<service>`.',
        },
        ownerReferences: {
          type: 'array',
          items: {
            type: 'object',
            required: ['apiVersion', 'kind', 'name', 'uid'],
            properties: { apiVersion: { const: 'v1' }, kind: { const: 'Service' }, name: k8sName, uid: { type: 'string' }, controller: { type: 'boolean' }, blockOwnerDeletion: { type: 'boolean' } },
          },
        },
      },
    },
    addressType: { const: 'IPv4' },
    endpoints: { anyOf: [{ type: 'array', items: sliceEndpoint }, { type: 'null' }] },
    ports: {
      anyOf: [
        {
          type: 'array',
          items: {
            type: 'object',
            required: ['port', 'protocol'],
            properties: { name: { type: 'string' }, port: { type: 'integer', minimum: 1, maximum: 65535 }, protocol: { const: 'TCP' } },
          },
        },
        { type: 'null' },
      ],
    },
  },
};

const endpointSliceList: JsonSchema = {
  type: 'object',
  description: 'EndpointSlices of a namespace, or of every namespace (discovery.k8s.io/v1 EndpointSliceList).',
  required: ['kind', 'apiVersion', 'metadata', 'items'],
  properties: {
    kind: { const: 'EndpointSliceList' },
    apiVersion: { const: 'discovery.k8s.io/v1' },
    metadata: { type: 'object', required: ['resourceVersion'], properties: { resourceVersion } },
    items: { type: 'array', items: ref('EndpointSlice') },
  },
};

const status: JsonSchema = {
  type: 'object',
  description: 'A Kubernetes API error (meta/v1 Status): the body of every error the Kubernetes API routes answer.',
  required: ['kind', 'apiVersion', 'metadata', 'status', 'message', 'reason', 'code'],
  properties: {
    kind: { const: 'Status' },
    apiVersion: { const: 'v1' },
    metadata: { type: 'object' },
    status: { const: 'Failure' },
    message: { type: 'string' },
    reason: {
      type: 'string',
      description: 'BadRequest (400, and 414 for a path segment longer than 253 characters), NotFound, MethodNotAllowed, Expired, RequestEntityTooLarge, InternalError, ServiceUnavailable, Timeout, …',
    },
    code: { type: 'integer', description: 'The HTTP status.' },
    details: {
      type: 'object',
      description: 'What the error is about: for a NotFound, the `name`, the resource (`kind`) and its API `group`.',
      properties: { name: { type: 'string' }, group: { type: 'string' }, kind: { type: 'string' }, retryAfterSeconds: { type: 'integer' } },
    },
  },
};

const watchEvent: JsonSchema = {
  type: 'object',
  description:
    'One line of a watch stream. ADDED/MODIFIED/DELETED carry the Endpoints (or the EndpointSlice); BOOKMARK carries only the current ' +
    'resourceVersion (the watch is alive); ERROR carries a Status (410 `Expired`: resume from a fresh list).',
  required: ['type', 'object'],
  properties: {
    type: { type: 'string', enum: ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'] },
    object: {
      anyOf: [
        ref('Endpoints'),
        ref('EndpointSlice'),
        ref('Status'),
        {
          type: 'object',
          description: 'A BOOKMARK object.',
          required: ['kind', 'apiVersion', 'metadata'],
          properties: {
            kind: { enum: ['Endpoints', 'EndpointSlice'] },
            apiVersion: { enum: ['v1', 'discovery.k8s.io/v1'] },
            metadata: { type: 'object', required: ['resourceVersion'], properties: { resourceVersion } },
          },
        },
      ],
    },
  },
};

/** A route schema of a service as plain JSON (as @fastify/swagger writes it into a document). */
function asJson(schema: object): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}

const COMPONENTS = {
  Money: asJson(moneySchema),
  Card: asJson(cardSchema),
  Merchant: asJson(merchantSchema),
  IdempotencyClaim: asJson(idempotencyClaimSchema),
  AccountView: asJson(accountViewSchema),
  Error: errorBody,
  IdempotencyConflict: idempotencyConflict,
  HopFailure: hopFailure,
  HttpFaultRule: asJson(httpFaultRuleSchema),
  HttpFaultRules: httpFaultRules,
  Endpoints: endpoints,
  EndpointsList: endpointsList,
  EndpointAddress: endpointAddress,
  EndpointSubset: endpointSubset,
  EndpointSlice: endpointSlice,
  EndpointSliceList: endpointSliceList,
  Status: status,
  WatchEvent: watchEvent,
} as const satisfies Record<string, JsonSchema>;

export type ComponentName = keyof typeof COMPONENTS;

/** Schemas the services share across routes: an exact copy inside a route's schema becomes a `$ref` to it. */
const SHARED: readonly ComponentName[] = ['AccountView', 'IdempotencyClaim', 'HttpFaultRule', 'Card', 'Merchant', 'Money'];

/** A copy of `value` in which every exact copy of a shared schema is a `$ref` to its component. */
export function hoistShared(value: JsonValue): JsonValue {
  const shared = SHARED.map((name) => [canonical(COMPONENTS[name]), name] as const);
  const walk = (v: JsonValue): JsonValue => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const key = canonical(v);
    const match = shared.find(([text]) => text === key);
    if (match) return ref(match[1]);
    const out: Record<string, JsonValue> = {};
    for (const [k, child] of Object.entries(v)) out[k] = walk(child);
    return out;
  };
  return walk(value);
}

/** JSON with object keys sorted, so two schemas compare equal whatever order their keys were written in. */
function canonical(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(value[k] as JsonValue)}`)
    .join(',')}}`;
}

/** The named schemas, in the order given, plus every schema they reference (transitively), in a stable order. */
export function componentsFor(names: Iterable<ComponentName>): Record<string, JsonSchema> {
  const wanted = new Set<ComponentName>();
  const visit = (name: ComponentName): void => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const target of refsIn(COMPONENTS[name])) visit(target);
  };
  for (const name of names) visit(name);
  const out: Record<string, JsonSchema> = {};
  for (const name of Object.keys(COMPONENTS) as ComponentName[]) {
    if (wanted.has(name)) out[name] = structuredClone(COMPONENTS[name]);
  }
  return out;
}

/** The component names a schema (or any JSON) points at with `$ref`. */
export function refsIn(value: unknown): ComponentName[] {
  const found: ComponentName[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const item of v) walk(item);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    for (const [key, child] of Object.entries(v)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith(SCHEMAS_PATH)) {
        const name = child.slice(SCHEMAS_PATH.length);
        if (!(name in COMPONENTS)) throw new Error(`unknown component ${name} referenced`);
        found.push(name as ComponentName);
      } else walk(child);
    }
  };
  walk(value);
  return found;
}
