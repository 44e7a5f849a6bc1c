// Service processes (and the fault proxy) start from one pre-bundled JavaScript file each (esbuild), not through the tsx
// loader: a bundled Fastify service is ready in a third of the time, which is what keeps a 7-process
// topology's startup near a second. Bundles are cached under node_modules/.cache/faultline (harness/build/
// cached-bundle.mjs), keyed by the size and mtime of every source file they are built from, so an edit
// rebuilds them on next start. If bundling fails for any reason the topology falls back to running the
// sources with tsx. The bundles are CommonJS, started by harness/build/code-cache-loader.cjs with V8's code
// cache: after the first start of a bundle, a start skips parsing and compiling it (about a third less CPU).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePath, cachedBundle } from '../build/cached-bundle.mjs';
import { FAULT_PROXY_ENTRY, SERVICE_NAMES, SERVICES } from '../../services/catalogue.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every service's entry (services/catalogue.ts), and the fault proxy's. */
export const SERVICE_ENTRIES: readonly string[] = [...SERVICE_NAMES.map((s) => SERVICES[s].entry), FAULT_PROXY_ENTRY];

interface Bundles {
  /** The bundles' folder (one per build: a source change makes a new one). */
  dir: string;
  /** Entry (relative .ts path) -> bundled .cjs path. */
  bundles: Map<string, string>;
}

let pending: Promise<Bundles | null> | null = null;

/** The loader a bundled service starts through: `node [flags] <CODE_CACHE_LOADER> <bundle.cjs>`. */
export const CODE_CACHE_LOADER = fileURLToPath(new URL('../build/code-cache-loader.cjs', import.meta.url));

function built(): Promise<Bundles | null> {
  if (process.env.FAULTLINE_NO_BUNDLE) return Promise.resolve(null);
  pending ??= build().catch((err: Error) => {
    process.stderr.write(`faultline: bundling the services failed, running them with tsx instead: ${err.message}\n`);
    return null;
  });
  return pending;
}

/** Entry (relative .ts path) -> bundled .cjs path, or null when bundling is off or failed. */
export async function serviceBundles(): Promise<Map<string, string> | null> {
  return (await built())?.bundles ?? null;
}

/**
 * Where bundled services keep the validators Ajv generated for them (services/common/validator-cache.ts), or
 * null when bundling is off or failed: inside the bundles' folder, so rebuilt bundles start with none, and the
 * validators go with the bundles that made them when those are pruned.
 */
export async function serviceValidatorCache(): Promise<string | null> {
  const b = await built();
  return b ? path.join(b.dir, 'validators') : null;
}

async function build(): Promise<Bundles> {
  const dir = await cachedBundle({ root: ROOT, name: 'service-starts', dirs: ['services', 'harness/proxy'], entries: SERVICE_ENTRIES, format: 'cjs' });
  return { dir, bundles: new Map(SERVICE_ENTRIES.map((e) => [e, bundlePath(dir, e, '.cjs')])) };
}
