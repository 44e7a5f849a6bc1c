// Ajv validators kept as JavaScript between a service's starts (generated-code.ts). Compiling a JSON schema is
// Ajv walking it and generating the validator's code, in a process whose own code is still cold: 60–200 ms of
// CPU per service start for its route schemas and answer checks (profiles of a topology's start). A service a
// topology starts is given a folder (FAULTLINE_VALIDATOR_CACHE, inside its bundle's cache folder: rebuilt
// bundles start an empty one). The first start compiles each schema as before and keeps Ajv's standalone code
// for it; later starts load that code instead. It is the code Ajv generated for the same schema and the same
// options, so every request is validated exactly as before; a missing or damaged entry only means compiling.
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import * as standalone from 'ajv/dist/standalone/index.js';
import * as equal from 'ajv/dist/runtime/equal.js';
import * as ucs2length from 'ajv/dist/runtime/ucs2length.js';
import * as uri from 'ajv/dist/runtime/uri.js';
import * as validationError from 'ajv/dist/runtime/validation_error.js';
import * as timestamp from 'ajv/dist/runtime/timestamp.js';
import { cacheFolder, defaultOf, entryFile, instantiate, readEntry, servable, writeEntry, type Runtime } from './generated-code.ts';

/** The modules Ajv's standalone code may require, served from this process's own copy of Ajv. */
const AJV_RUNTIME: Runtime = new Map([
  ['ajv/dist/runtime/equal', { default: defaultOf(equal) }],
  ['ajv/dist/runtime/ucs2length', { default: defaultOf(ucs2length) }],
  ['ajv/dist/runtime/uri', { default: defaultOf(uri) }],
  ['ajv/dist/runtime/validation_error', { default: defaultOf(validationError) }],
  ['ajv/dist/runtime/timestamp', { default: defaultOf(timestamp) }],
]);

/**
 * Fastify passes an Ajv-compiled validator the request as the parent of the part it checks (so Ajv may coerce
 * the part itself), and knows one by its `schemaEnv`. A validator loaded from its code is the same function
 * Ajv generated, so it is marked to be called the same way.
 */
const AJV_GENERATED: Readonly<Record<string, never>> = Object.freeze({});

function loaded(code: string): ValidateFunction {
  const validate = instantiate(code, AJV_RUNTIME) as ValidateFunction;
  if (typeof validate !== 'function') throw new Error('validator code exports no function');
  Object.defineProperty(validate, 'schemaEnv', { value: AJV_GENERATED });
  return validate;
}

export type SchemaCompiler = (schema: object) => ValidateFunction;

/**
 * A compiler of JSON schemas with the given Ajv options, through the cache folder `dir` when there is one.
 * Like one Ajv instance, the same schema object compiles once; the Ajv instance itself is only made when a
 * schema is not in the cache.
 */
export function schemaCompiler(options: Options, dir: string | undefined = cacheFolder()): SchemaCompiler {
  let ajv: Ajv | undefined;
  const compiled = new WeakMap<object, ValidateFunction>();
  const profile = JSON.stringify(options);
  const compile = (schema: object): ValidateFunction => {
    if (dir === undefined) return (ajv ??= new Ajv(options)).compile(schema);
    const file = entryFile(dir, `ajv\n${profile}\n${JSON.stringify(schema)}`);
    const code = readEntry(file);
    if (code !== undefined) {
      try {
        return loaded(code);
      } catch {
        // A damaged entry: compiled below and written again.
      }
    }
    ajv ??= new Ajv({ ...options, code: { ...options.code, source: true } });
    const validate = ajv.compile(schema);
    try {
      const generated = (defaultOf(standalone) as (ajv: Ajv, v: ValidateFunction) => string)(ajv, validate);
      if (servable(generated, AJV_RUNTIME)) writeEntry(file, generated);
    } catch {
      // Not expressible as standalone code: compiled at every start, as before.
    }
    return validate;
  };
  return (schema) => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = compile(schema);
      compiled.set(schema, validate);
    }
    return validate;
  };
}
