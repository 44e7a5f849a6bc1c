// Service processes (and the fault proxy) start from one pre-bundled JavaScript file each (esbuild), not through the tsx
// loader: a bundled Fastify service is ready in a third of the time, which is what keeps a 7-process
// topology's startup near a second. Bundles are cached under node_modules/.cache/faultline, keyed by
// the size and mtime of every source file they are built from, so an edit rebuilds them on next start.
// If bundling fails for any reason the topology falls back to running the sources with tsx.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'faultline');

export const SERVICE_ENTRIES = [
  'services/card-processor/main.ts',
  'services/ledger/main.ts',
  'services/ledger/main-store.ts',
  'services/feed/main.ts',
  'services/discovery/main.ts',
  'harness/proxy/main.ts',
] as const;

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(full)));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

async function cacheKey(): Promise<string> {
  const files = [...(await sourceFiles(path.join(ROOT, 'services'))), ...(await sourceFiles(path.join(ROOT, 'harness', 'proxy')))].sort();
  files.push(path.join(ROOT, 'package-lock.json'));
  const hash = createHash('sha256');
  for (const file of files) {
    const s = await stat(file).catch(() => null);
    hash.update(`${path.relative(ROOT, file)}:${s?.size ?? 0}:${s?.mtimeMs ?? 0}\n`);
  }
  hash.update(process.version);
  return hash.digest('hex').slice(0, 16);
}

function bundlePath(dir: string, entry: string): string {
  return path.join(dir, entry.replace(/\.ts$/, '.mjs'));
}

let pending: Promise<Map<string, string> | null> | null = null;

/** Entry (relative .ts path) -> bundled .mjs path, or null when bundling is off or failed. */
export function serviceBundles(): Promise<Map<string, string> | null> {
  if (process.env.FAULTLINE_NO_BUNDLE) return Promise.resolve(null);
  pending ??= build().catch((err: Error) => {
    process.stderr.write(`faultline: bundling the services failed, running them with tsx instead: ${err.message}\n`);
    return null;
  });
  return pending;
}

async function build(): Promise<Map<string, string>> {
  const key = await cacheKey();
  const dir = path.join(CACHE, `services-${key}`);
  const map = new Map(SERVICE_ENTRIES.map((e) => [e, bundlePath(dir, e)]));
  if ([...map.values()].every((f) => existsSync(f))) return map;
  const { build: esbuild } = await import('esbuild');
  // Build into a private folder, then rename: a concurrent topology building the same key never sees half a bundle.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  await esbuild({
    entryPoints: SERVICE_ENTRIES.map((e) => path.join(ROOT, e)),
    outbase: ROOT,
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    banner: { js: "import { createRequire as __faultlineRequire } from 'node:module'; const require = __faultlineRequire(import.meta.url);" },
  });
  try {
    await rename(tmp, dir);
  } catch {
    await rm(tmp, { recursive: true, force: true }); // another process won the race: its bundles are identical
  }
  return map;
}
