// How a test starts one of the suite's own modules in a child process: from the suite's bundle when the suite
// runs from it (test/run.mjs sets FAULTLINE_TEST_BUNDLE; test/support/test-bundle.mjs makes CHILD_ENTRIES entries
// of it), else the source under tsx. A child under tsx spent ~1.8 CPU-s compiling TypeScript before it did
// anything (the compose SIGINT tests start six); from the bundle it starts in a fraction of that.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePath } from '../../harness/build/cached-bundle.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Modules tests start as children (relative to the root): entries of the suite's bundle. */
export const CHILD_ENTRIES = ['test/compose/fixtures/run-compose-driver.ts', 'test/cli/fixtures/interrupt-release.ts'];

/**
 * The bundled path of `file` (relative to the root: a test file, a CHILD_ENTRIES module or the slot preload), or
 * null when the suite does not run from its bundle or the bundle does not hold it.
 * @param {string} file
 * @returns {string | null}
 */
export function bundled(file) {
  const dir = process.env.FAULTLINE_TEST_BUNDLE;
  if (!dir) return null;
  const built = bundlePath(dir, file);
  return existsSync(built) ? built : null;
}

/**
 * Node's arguments that run `file` (relative to the root): its bundled build, or the source under tsx.
 * @param {string} file
 * @returns {string[]}
 */
export function nodeArgsFor(file) {
  const built = bundled(file);
  return built ? [built] : ['--import', 'tsx', join(ROOT, file)];
}
