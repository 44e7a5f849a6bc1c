// Finds and loads a scenario: a catalog name (scenarios/<name>.ts), or a file the user wrote
// (.ts exporting default defineScenario(...), .json, .yaml/.yml).
import { readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseDocument, isNode, LineCounter } from 'yaml';
import { SCENARIO_LIMITS, type Scenario } from './schema.ts';
import { InputFileError, readInputText } from '../files/input-file.ts';
import { ScenarioError } from './errors.ts';
import { validateScenario, type LineOf } from './validate.ts';

export const CATALOG_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

export async function catalogNames(): Promise<string[]> {
  const files = await readdir(CATALOG_DIR);
  return files.filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
}

export function resolveScenarioPath(nameOrFile: string): string {
  if (/\.(ts|json|ya?ml)$/i.test(nameOrFile) || nameOrFile.includes('/')) return path.resolve(nameOrFile);
  return path.join(CATALOG_DIR, `${nameOrFile}.ts`);
}

function yamlLines(text: string): { data: unknown; lineOf: LineOf } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new Error(`${e?.message ?? 'invalid YAML'}`);
  }
  const lineOf: LineOf = (p) => {
    for (let n = p.length; n > 0; n--) {
      const node = doc.getIn(p.slice(0, n), true);
      if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { data: doc.toJS(), lineOf };
}

/** Set by the CLI's bundle (bin/cli-bundle.mjs): where it is, and the checkout it was built from. */
const bundle = (globalThis as { __faultlineBundle?: { dir: string; root: string } }).__faultlineBundle;
const CHECKOUT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Imports a TypeScript scenario. From the CLI's bundle, a catalog scenario comes from its own bundle; under tsx
 * (tests, `FAULTLINE_NO_BUNDLE`) a file of the checkout is imported as it is. Any other file, wherever it is, goes
 * through tsx's tsImport (nothing registered globally): outside a `"type": "module"` package Node would take
 * the file for CommonJS, so its `export default` arrives wrapped, and is unwrapped here.
 */
async function importTypeScript(file: string): Promise<{ default?: unknown }> {
  if (bundle) {
    const rel = path.relative(bundle.root, file);
    const bundled = path.join(bundle.dir, rel.replace(/\.ts$/, '.mjs'));
    if (path.dirname(rel) === 'scenarios' && existsSync(bundled)) return (await import(pathToFileURL(bundled).href)) as { default?: unknown };
  } else if (!path.relative(CHECKOUT, file).startsWith('..')) {
    return (await import(pathToFileURL(file).href)) as { default?: unknown };
  }
  const { tsImport } = await import('tsx/esm/api');
  const mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
  const inner = mod.default as { __esModule?: unknown; default?: unknown } | undefined;
  return inner !== null && typeof inner === 'object' && inner.__esModule === true ? { default: inner.default } : mod;
}

export async function loadScenario(nameOrFile: string): Promise<{ scenario: Scenario; file: string }> {
  const file = resolveScenarioPath(nameOrFile);
  if (!existsSync(file)) {
    const known = await catalogNames().catch(() => [] as string[]);
    throw new ScenarioError(nameOrFile, '', `no such scenario or file; catalog: ${known.join(', ')}`);
  }
  const rel = path.relative(process.cwd(), file) || file;
  if (file.endsWith('.ts')) {
    let mod: { default?: unknown };
    try {
      mod = await importTypeScript(file);
    } catch (err) {
      throw new ScenarioError(rel, '', `cannot load: ${(err as Error).message}`);
    }
    if (!mod.default) throw new ScenarioError(rel, '', 'a TypeScript scenario must `export default defineScenario({...})`');
    return { scenario: validateScenario(mod.default, rel), file };
  }
  let text: string;
  try {
    // Bounded before it is read whole (a named pipe also gets a deadline).
    text = await readInputText(file, { maxBytes: SCENARIO_LIMITS.bytes, what: 'a scenario file' });
  } catch (err) {
    if (err instanceof InputFileError) throw new ScenarioError(rel, '', err.reason);
    throw err;
  }
  if (/\.json$/i.test(file)) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new ScenarioError(rel, '', `not valid JSON: ${(err as Error).message}`);
    }
    // JSON is YAML: reuse the YAML parser to map fields to lines.
    const { lineOf } = yamlLines(text);
    return { scenario: validateScenario(data, rel, lineOf), file };
  }
  let parsed: { data: unknown; lineOf: LineOf };
  try {
    parsed = yamlLines(text);
  } catch (err) {
    throw new ScenarioError(rel, '', `not valid YAML: ${(err as Error).message}`);
  }
  return { scenario: validateScenario(parsed.data, rel, parsed.lineOf), file };
}
