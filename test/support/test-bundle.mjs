// The test files as one cached esbuild bundle (harness/build/cached-bundle.mjs), so the suite runs them as plain
// JavaScript instead of through tsx. Measured on the README's machine: tsx's loader cost every test file's
// process ~0.4 CPU-s to start and more for each TypeScript module it then loaded (~0.6 CPU-s per file on the
// router and checker files, 42.6 against 28.2 CPU-s for those 24 files): over a minute of CPU on the whole suite.
//
// Every test file is an entry (whatever the run's filter), with the catalog's scenarios (loaded from here as the
// CLI loads them from its own bundle: test/support/bundle-env.mjs), the pipeline-slot preload and the modules tests
// start as child processes (test/support/child-node.mjs). Each module keeps
// its own import.meta.url / dirname / filename (the sourceUrls plugin), so fixtures are found next to the
// sources; source maps put failures on the .ts lines. The bundle is rebuilt when any source file changes.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bundlePath, cachedBundle, externalPackages, sourceUrls } from '../../harness/build/cached-bundle.mjs';
import { CHILD_ENTRIES } from './child-node.mjs';

/** Every *.test.ts under dir (relative to root), sorted. @param {string} root @param {string} [dir] @returns {string[]} */
export function testFiles(root, dir = join(root, 'test')) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...testFiles(root, path));
    else if (name.endsWith('.test.ts')) files.push(relative(root, path));
  }
  return files.sort();
}

/** The preload every test process gets (as an entry, so it loads the suite's helpers from the bundle too). */
export const SLOT_PRELOAD = 'test/support/pipeline-slot.mjs';

/**
 * Builds (or finds) the bundle of every test file under root. Resolves with where it is and the bundled path
 * of a test file or preload (given relative to root).
 * @param {string} root
 * @returns {Promise<{ dir: string, pathOf: (file: string) => string }>}
 */
export async function testBundle(root) {
  const catalog = readdirSync(join(root, 'scenarios'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `scenarios/${f}`);
  const dir = await cachedBundle({
    root,
    name: 'tests',
    dirs: ['harness', 'services', 'scenarios', 'test', 'bench', 'bin'],
    entries: [...testFiles(root), ...catalog, SLOT_PRELOAD, ...CHILD_ENTRIES],
    options: { external: externalPackages(root), splitting: true, sourcemap: 'linked', plugins: [sourceUrls] },
  });
  return { dir, pathOf: (file) => bundlePath(dir, file) };
}
