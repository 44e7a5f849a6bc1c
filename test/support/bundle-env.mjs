// Preloaded into every test file's process when the suite runs from its bundle (test/run.mjs,
// test/support/test-bundle.mjs): tells harness/scenario/load.ts where the bundle is, so a catalog scenario
// written in TypeScript is imported from it, as the CLI imports it from its own bundle (bin/cli-bundle.mjs).
// Without it, such a scenario would be a .ts file imported with no TypeScript loader registered.
import { fileURLToPath } from 'node:url';

const dir = process.env.FAULTLINE_TEST_BUNDLE;
if (dir) globalThis.__faultlineBundle = { dir, root: fileURLToPath(new URL('../../', import.meta.url)) };
