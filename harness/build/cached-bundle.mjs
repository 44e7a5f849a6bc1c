// One esbuild bundle (or a set of them) cached under node_modules/.cache/faultline/<name>-<key>, where the key
// stamps the size and mtime of every source file it is built from, the lock file and the Node version: an edit
// rebuilds it on the next start, an unchanged checkout reuses it. Plain JavaScript, because bin/faultline.js
// loads it before anything can read TypeScript. Used for the service processes (harness/topology/service-bundle.ts)
// and for the CLI itself (bin/cli-bundle.mjs).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Every source file (.ts, .mjs, .json) under dir, recursively: what a bundle can be built from. */
async function sourceFiles(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(full)));
    else if (/\.(ts|mjs|json)$/.test(entry.name)) out.push(full);
  }
  return out;
}

/**
 * The cache key of a bundle built from the source files under `dirs` (relative to root).
 * @param {string} root @param {readonly string[]} dirs @returns {Promise<string>}
 */
export async function sourceStamp(root, dirs) {
  const files = (await Promise.all(dirs.map((d) => sourceFiles(path.join(root, d))))).flat().sort();
  files.push(path.join(root, 'package-lock.json'));
  const stats = await Promise.all(files.map((f) => stat(f).catch(() => null)));
  const hash = createHash('sha256');
  files.forEach((file, i) => hash.update(`${path.relative(root, file)}:${stats[i]?.size ?? 0}:${stats[i]?.mtimeMs ?? 0}\n`));
  hash.update(process.version);
  return hash.digest('hex').slice(0, 16);
}

/**
 * The key a bundle set is cached under: its sources (sourceStamp) and how it is built (entries, format,
 * options; a plugin by its name), so a change to either builds anew instead of finding what an older way built.
 * @param {{ root: string, dirs: readonly string[], entries: readonly string[], format?: 'esm' | 'cjs',
 *           options?: import('esbuild').BuildOptions }} spec
 * @returns {Promise<string>}
 */
export async function bundleKey(spec) {
  const how = JSON.stringify({ entries: spec.entries, format: spec.format ?? 'esm', options: spec.options ?? {} }, (k, v) =>
    k === 'plugins' && Array.isArray(v) ? v.map((plugin) => plugin.name) : v,
  );
  return createHash('sha256')
    .update(`${await sourceStamp(spec.root, spec.dirs)}\n${how}`)
    .digest('hex')
    .slice(0, 16);
}

/**
 * An esbuild plugin that gives every bundled module its own `import.meta.url`, `import.meta.dirname` and
 * `import.meta.filename` (the TypeScript source file's), so paths a module finds next to itself (the scenario catalog, the
 * contracts, the report's assets, a test's fixtures) still resolve from inside a bundle. The expressions are
 * rewritten in code and strings alike: spell them apart in a string.
 */
export const sourceUrls = {
  name: 'faultline-source-urls',
  /** @param {import('esbuild').PluginBuild} build */
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!/import\.meta\.(url|dirname|filename)/.test(source)) return { contents: source, loader: 'ts' };
      // On the first line, so line numbers (and the source map) stay the module's own.
      const own =
        `const __faultlineSourceUrl = ${JSON.stringify(pathToFileURL(args.path).href)}, ` +
        `__faultlineSourceDir = ${JSON.stringify(path.dirname(args.path))}, __faultlineSourceFile = ${JSON.stringify(args.path)};`;
      const contents = source
        .replace(/import\.meta\.url/g, '__faultlineSourceUrl')
        .replace(/import\.meta\.dirname/g, '__faultlineSourceDir')
        .replace(/import\.meta\.filename/g, '__faultlineSourceFile');
      return { contents: own + contents, loader: 'ts' };
    });
  },
};

/**
 * The packages a bundle leaves external (loaded from node_modules as usual): every dependency of the
 * checkout's package.json, less those named in `bundled`, each with its subpaths.
 * @param {string} root @param {readonly string[]} [bundled] @returns {string[]}
 */
export function externalPackages(root, bundled = []) {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  return Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
    .filter((name) => !bundled.includes(name))
    .flatMap((name) => [name, `${name}/*`]);
}

/** How long one build may take before the start gives up on it (a cold build takes a few seconds). */
export const BUILD_DEADLINE_MS = 120_000;
/** Superseded bundles (an older key) younger than this are kept: a running topology may still start from one. */
export const KEEP_SUPERSEDED_MS = 24 * 3600_000;

/**
 * Builds (once per key) and returns the folder holding the bundles of `entries` (paths relative to root; each
 * lands at the same relative path with .mjs, or .cjs with `format: 'cjs'`). A concurrent start building the same key never sees half a
 * bundle: it is built in a private folder, then renamed into place. A build has a deadline; after a new build,
 * the private folders of processes no longer alive (a build cut off by Ctrl-C) and superseded bundles of the
 * same name older than a day are removed.
 * @param {{ root: string, name: string, dirs: readonly string[], entries: readonly string[],
 *           format?: 'esm' | 'cjs', options?: import('esbuild').BuildOptions, deadlineMs?: number }} spec
 * @returns {Promise<string>}
 */
export async function cachedBundle(spec) {
  const key = await bundleKey(spec);
  const cjs = spec.format === 'cjs';
  const ext = cjs ? '.cjs' : '.mjs';
  const cache = path.join(spec.root, 'node_modules', '.cache', 'faultline');
  const dir = path.join(cache, `${spec.name}-${key}`);
  if (spec.entries.every((e) => existsSync(bundlePath(dir, e, ext)))) return dir;
  const { build, stop } = await import('esbuild');
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  /** @type {Promise<unknown> | undefined} */
  let building;
  try {
    await withDeadline(
      (building = build({
        entryPoints: spec.entries.map((e) => path.join(spec.root, e)),
        outbase: spec.root,
        outdir: tmp,
        outExtension: { '.js': ext },
        bundle: true,
        platform: 'node',
        format: cjs ? 'cjs' : 'esm',
        target: 'node20',
        logLevel: 'silent',
        // An ES module bundle gets a `require` for the CommonJS packages it holds; a CommonJS one has its own.
        ...(cjs ? {} : { banner: { js: "import { createRequire as __faultlineRequire } from 'node:module'; const require = __faultlineRequire(import.meta.url);" } }),
        ...spec.options,
      })),
      spec.deadlineMs ?? BUILD_DEADLINE_MS,
      `building the ${spec.name} bundle`,
    );
    await rename(tmp, dir);
  } catch (err) {
    // Past the deadline esbuild is still writing: stop it before the folder goes, so nothing lands after.
    // (a stopped build's own promise may never settle, so only the stop is awaited, with a bound).
    if (building) await withDeadline(stop(), 10_000, 'stopping esbuild').catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
    if (!spec.entries.every((e) => existsSync(bundlePath(dir, e, ext)))) throw err; // else another process won the race
  }
  await pruneCache(cache, spec.name, path.basename(dir)).catch(() => undefined);
  return dir;
}

/** @template T @param {Promise<T>} work @param {number} ms @param {string} what @returns {Promise<T>} */
function withDeadline(work, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}: gave up`)), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}

/**
 * Removes, among `<name>-*` folders of the cache: private build folders whose process is gone, and bundles
 * other than `current` not written to for a day.
 * @param {string} cache @param {string} name @param {string} current
 */
export async function pruneCache(cache, name, current) {
  const now = Date.now();
  for (const entry of await readdir(cache, { withFileTypes: true })) {
    const ours = new RegExp(`^${name.replace(/[^A-Za-z0-9_]/g, '\\$&')}-[0-9a-f]{16}(?:\\.tmp-(\\d+)-\\d+)?$`).exec(entry.name);
    if (!entry.isDirectory() || !ours || entry.name === current) continue;
    const full = path.join(cache, entry.name);
    if (ours[1] !== undefined) {
      if (!alive(Number(ours[1]))) await rm(full, { recursive: true, force: true });
      continue;
    }
    const info = await stat(full).catch(() => null);
    if (info && now - info.mtimeMs > KEEP_SUPERSEDED_MS) await rm(full, { recursive: true, force: true });
  }
}

/** Where an entry's bundle is in a bundle folder (.mjs, or .cjs for a CommonJS set). @param {string} dir @param {string} entry @param {string} [ext] */
export function bundlePath(dir, entry, ext = '.mjs') {
  return path.join(dir, entry.replace(/\.ts$/, ext));
}
