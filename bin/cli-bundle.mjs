// The CLI runs from a pre-built bundle of its sources (harness/build/cached-bundle.mjs): loading ~300 TypeScript
// modules through the tsx loader cost every `faultline` command over a second of CPU before it did anything.
// The bundle is rebuilt when a source file changes; FAULTLINE_NO_BUNDLE=1, or a failed build, runs the
// sources under tsx instead. The catalog's scenarios are bundled too; a scenario file of the user's written in
// TypeScript is read through tsx, registered when the first one is loaded (harness/scenario/load.ts).
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundlePath, cachedBundle, externalPackages, sourceUrls } from '../harness/build/cached-bundle.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
// The catalog's scenarios are entries too: loading one from the bundle needs no TypeScript loader.
const CATALOG = readdirSync(new URL('../scenarios/', import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => `scenarios/${f}`);
const ENTRIES = ['harness/cli/main.ts', 'services/common/pan.ts', ...CATALOG];
// Packages stay external (loaded from node_modules as usual), except the small pure-JavaScript ones every
// command loads: node's ES module loader resolves, reads and compiles each of their files one by one, and
// zod alone (over a hundred files) was a fifth of a command's start-up CPU.
const EXTERNAL = externalPackages(ROOT, ['zod', 'yaml', 'commander']);

/** The CLI's modules: from the bundle, or from the sources under tsx. */
export async function loadCli() {
  if (!process.env.FAULTLINE_NO_BUNDLE) {
    try {
      const dir = await cachedBundle({
        root: ROOT,
        name: 'cli',
        dirs: ['harness', 'services', 'scenarios'],
        entries: ENTRIES,
        // Each command is its own chunk, so a command loads only what it uses. Source maps keep stack traces
        // pointing at the .ts lines.
        options: { external: EXTERNAL, splitting: true, sourcemap: 'linked', plugins: [sourceUrls] },
      });
      process.setSourceMapsEnabled(true);
      // harness/scenario/load.ts imports a catalog scenario from here, and registers tsx only for one of the user's.
      globalThis.__faultlineBundle = { dir, root: ROOT };
      const pan = await import(bundlePath(dir, ENTRIES[1]));
      const cli = await import(bundlePath(dir, ENTRIES[0]));
      return { maskStream: pan.maskStream, main: cli.main };
    } catch (err) {
      process.stderr.write(`faultline: building the CLI bundle failed, running the sources with tsx instead: ${err.message}\n`);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  const pan = await import('../services/common/pan.ts');
  const cli = await import('../harness/cli/main.ts');
  return { maskStream: pan.maskStream, main: cli.main };
}
