// A folder of generated JavaScript kept between a service's starts: the validators Ajv generates for its JSON
// schemas (validator-cache.ts), which a service would otherwise generate again at every start. An entry is a
// CommonJS module, written to a private file and renamed into place (a concurrent start never reads half of
// one), its first line carrying the digest of the rest: an entry that is missing, unreadable, too large or not
// whole is not used, and the code is generated again.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Bumped when the entries' layout changes: older entries are then never read. */
const FORMAT = 'faultline-generated-1';
/** An entry larger than this is neither written nor read (the services' largest is a few kB). */
const MAX_ENTRY_BYTES = 1024 * 1024;

export const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The folder a topology gave this service, if any (FAULTLINE_VALIDATOR_CACHE). */
export function cacheFolder(): string | undefined {
  return process.env.FAULTLINE_VALIDATOR_CACHE || undefined;
}

/** The modules generated code may require, by the name it requires them by. */
export type Runtime = ReadonlyMap<string, unknown>;

const REQUIRE_CALL = /require\(\s*["']([^"']*)["']\s*\)/g;

/** Whether every module the code requires is one `runtime` serves (code that is not is never kept). */
export function servable(code: string, runtime: Runtime): boolean {
  for (const m of code.matchAll(REQUIRE_CALL)) if (!runtime.has(m[1] as string)) return false;
  return true;
}

/** Runs generated CommonJS code with `runtime` as the only modules it may require; returns its exports. */
export function instantiate(code: string, runtime: Runtime): unknown {
  const mod: { exports: unknown } = { exports: {} };
  const require = (id: string): unknown => {
    if (!runtime.has(id)) throw new Error(`generated code requires ${id}, which is not served to it`);
    return runtime.get(id);
  };
  // The code is what Ajv generated, here or at an earlier start (read back whole).
  new Function('require', 'module', 'exports', code)(require, mod, mod.exports);
  return mod.exports;
}

/** The file of the entry for `key` (any text naming what was generated and how) in `dir`. */
export function entryFile(dir: string, key: string): string {
  return path.join(dir, `${digest(`${FORMAT}\n${key}`).slice(0, 40)}.cjs`);
}

/** The entry's code, or undefined when there is none or it is not whole. */
export function readEntry(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (text.length > MAX_ENTRY_BYTES) return undefined;
  const newline = text.indexOf('\n');
  if (newline === -1) return undefined;
  const code = text.slice(newline + 1);
  return text.slice(0, newline) === `// ${FORMAT} ${digest(code)}` ? code : undefined;
}

/** Keeps `code` as the entry `file`; a failure to write only means generating it again at the next start. */
export function writeEntry(file: string, code: string): void {
  if (code.length > MAX_ENTRY_BYTES) return;
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, `// ${FORMAT} ${digest(code)}\n${code}`);
    renameSync(tmp, file);
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // Nothing to clean up.
    }
  }
}

/** A CommonJS module's default export, however the module system in use wrapped it (esbuild or Node's ESM). */
export function defaultOf(mod: unknown): unknown {
  const d = (mod as { default?: unknown }).default;
  return d !== null && typeof d === 'object' && 'default' in d ? (d as { default: unknown }).default : d;
}
