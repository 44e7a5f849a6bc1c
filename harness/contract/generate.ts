// Valid values drawn from a contract's JSON Schemas, property-based with fast-check: the requests
// `faultline contract` sends beyond its fixed examples. The same schema and seed always give the same
// values (fc.sample with a seed), so a failure is replayed with `--seed`.
//
// Covers the JSON Schema subset the published contracts use (services/contracts/*.openapi.json, with
// `$ref`s inlined by routesOf): type (one or a list), const, enum, anyOf/oneOf, allOf (merged), object
// properties/required/additionalProperties/propertyNames/min-maxProperties, array items/min-maxItems,
// string pattern (fc.stringMatching)/min-maxLength, integer and number minimum/maximum (exclusive too),
// boolean, null. Anything else throws naming the keyword, so a contract that grows a keyword is noticed.
import fc from 'fast-check';
import type { JsonObject, JsonSchema, JsonValue } from './types.ts';

export interface GenerateOptions {
  /** Arbitraries used instead of the schema's for a property of this name, wherever it appears. */
  overrides?: Readonly<Record<string, fc.Arbitrary<JsonValue>>>;
  /** The longest string generated, whatever the schema allows (e.g. 100 for a path parameter). */
  maxStringLength?: number;
  /** The most items generated for an array (default 4): a valid batch need not be a large one. */
  maxItems?: number;
}

const INT32 = 2 ** 31 - 1;
/** Keywords that only document: they never constrain a value. */
const ANNOTATIONS = new Set(['description', 'title', 'examples', 'default', '$comment', 'deprecated', 'readOnly', 'writeOnly']);
const HANDLED = new Set([
  'type', 'const', 'enum', 'anyOf', 'oneOf', 'allOf', 'properties', 'required', 'additionalProperties', 'propertyNames',
  'minProperties', 'maxProperties', 'items', 'minItems', 'maxItems', 'pattern', 'minLength', 'maxLength', 'minimum',
  'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
]);

/** An arbitrary of values the schema accepts. */
export function arbitraryOf(schema: JsonSchema, options: GenerateOptions = {}): fc.Arbitrary<JsonValue> {
  for (const key of Object.keys(schema)) {
    if (!HANDLED.has(key) && !ANNOTATIONS.has(key)) throw new Error(`the request generator does not know the JSON Schema keyword "${key}"`);
  }
  if ('const' in schema) return fc.constant(schema.const as JsonValue);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const members = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(members)) return fc.oneof(...members.map((m) => arbitraryOf(asSchema(m), options)));
  if (Array.isArray(schema.allOf)) return arbitraryOf(mergeAll(schema), options);
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  if (types.length > 1) return fc.oneof(...types.map((t) => arbitraryOf({ ...schema, type: t }, options)));
  switch (types[0]) {
    case 'object':
      return objectOf(schema, options);
    case 'array':
      return fc.array(arbitraryOf(asSchema(schema.items ?? {}), options), {
        minLength: num(schema.minItems) ?? 0,
        maxLength: Math.max(num(schema.minItems) ?? 0, Math.min(num(schema.maxItems) ?? INT32, options.maxItems ?? 4)),
      });
    case 'string':
      return stringOf(schema, options);
    case 'integer':
      return fc.integer(integerBounds(schema));
    case 'number':
      return fc.double({ ...numberBounds(schema), noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case undefined:
      return fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 8 }));
    default:
      throw new Error(`the request generator does not know the type "${String(types[0])}"`);
  }
}

/** `count` values the schema accepts, the same ones for the same seed. */
export function sampleValues(schema: JsonSchema, seed: number, count: number, options: GenerateOptions = {}): JsonValue[] {
  if (count <= 0) return [];
  return fc.sample(arbitraryOf(schema, options), { seed, numRuns: count });
}

function objectOf(schema: JsonSchema, options: GenerateOptions): fc.Arbitrary<JsonValue> {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const names = Object.keys(properties);
  if (names.length === 0) {
    // A map: its keys from propertyNames, its values from additionalProperties.
    const extra = schema.additionalProperties;
    if (!isObject(extra)) return fc.constant({});
    const keys = isObject(schema.propertyNames) ? stringOf(schema.propertyNames, options) : fc.string({ minLength: 1, maxLength: 16 });
    return fc.dictionary(keys, arbitraryOf(extra, options), {
      minKeys: num(schema.minProperties) ?? 0,
      maxKeys: Math.max(num(schema.minProperties) ?? 0, Math.min(num(schema.maxProperties) ?? INT32, 4)),
    }) as fc.Arbitrary<JsonValue>;
  }
  const model: Record<string, fc.Arbitrary<JsonValue>> = {};
  for (const name of names) model[name] = options.overrides?.[name] ?? arbitraryOf(asSchema(properties[name]), options);
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string' && names.includes(r)) : [];
  return fc.record(model, { requiredKeys: required }) as fc.Arbitrary<JsonValue>;
}

function stringOf(schema: JsonSchema, options: GenerateOptions): fc.Arbitrary<string> {
  const min = num(schema.minLength) ?? 0;
  const max = Math.min(num(schema.maxLength) ?? INT32, options.maxStringLength ?? INT32);
  if (min > max) throw new Error(`no string of ${min} to ${max} characters can be generated`);
  // JSON Schema counts code points, as Ajv does.
  const fits = (s: string): boolean => {
    const length = [...s].length;
    return length >= min && length <= max;
  };
  if (typeof schema.pattern === 'string') {
    return fc.stringMatching(new RegExp(schema.pattern, 'u')).filter(fits);
  }
  return fc.string({ minLength: min, maxLength: Math.min(max, min + 40), unit: 'grapheme' }).filter(fits);
}

function integerBounds(schema: JsonSchema): { min: number; max: number } {
  let min = num(schema.minimum) ?? -INT32;
  let max = num(schema.maximum) ?? INT32;
  const exMin = num(schema.exclusiveMinimum);
  const exMax = num(schema.exclusiveMaximum);
  if (exMin !== undefined) min = Math.max(min, Math.floor(exMin) + 1);
  if (exMax !== undefined) max = Math.min(max, Math.ceil(exMax) - 1);
  return { min: Math.ceil(min), max: Math.floor(max) };
}

function numberBounds(schema: JsonSchema): { min: number; max: number; minExcluded: boolean; maxExcluded: boolean } {
  const exMin = num(schema.exclusiveMinimum);
  const exMax = num(schema.exclusiveMaximum);
  return {
    min: exMin ?? num(schema.minimum) ?? -1e9,
    max: exMax ?? num(schema.maximum) ?? 1e9,
    minExcluded: exMin !== undefined,
    maxExcluded: exMax !== undefined,
  };
}

/** allOf members merged into one schema: properties and required joined, other keywords from the last member that has them. */
export function mergeAll(schema: JsonSchema): JsonSchema {
  const { allOf, ...rest } = schema;
  const merged: JsonObject = { ...rest };
  const properties: JsonObject = isObject(rest.properties) ? { ...rest.properties } : {};
  const required = new Set<string>(Array.isArray(rest.required) ? rest.required.filter((r): r is string => typeof r === 'string') : []);
  for (const raw of Array.isArray(allOf) ? allOf : []) {
    const member = asSchema(raw);
    const flat = Array.isArray(member.allOf) ? mergeAll(member) : member;
    for (const [key, value] of Object.entries(flat)) {
      if (key === 'properties' && isObject(value)) {
        for (const [name, property] of Object.entries(value)) {
          const before = properties[name];
          properties[name] = isObject(before) ? { ...before, ...asSchema(property) } : property;
        }
      } else if (key === 'required' && Array.isArray(value)) {
        for (const r of value) if (typeof r === 'string') required.add(r);
      } else merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function num(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

function asSchema(value: JsonValue | undefined): JsonSchema {
  if (value === true || value === undefined) return {};
  if (!isObject(value)) throw new Error(`not a schema: ${JSON.stringify(value)}`);
  return value;
}
