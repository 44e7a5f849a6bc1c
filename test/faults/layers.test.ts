// Where the fault plane sits: below scenarios and topologies (scenario/validate.ts reads the fault
// registry, so faults/ must import nothing from scenario/ or anything that does), and the services,
// which run as their own bundled processes, never reach into the harness.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** Every relative import of a file, as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
  return specifiers.filter((s) => s.startsWith('.')).map((s) => path.relative(ROOT, path.resolve(path.dirname(file), s)));
}

function offending(dir: string, forbidden: RegExp): string[] {
  return sources(path.join(ROOT, dir)).flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden.test(target))
      .map((target) => `${path.relative(ROOT, file)} -> ${target}`),
  );
}

test('harness/faults imports nothing from the layers above it (scenario, topology, runner, cli)', () => {
  assert.deepEqual(offending('harness/faults', /^harness\/(scenario|topology|runner|cli|compose)\//), []);
});

test('the toxics and the discovery faults import nothing from the harness layers that use them', () => {
  assert.deepEqual(offending('harness/proxy', /^harness\/(?!proxy\/)/), []);
  assert.deepEqual(offending('services', /^harness\//), []);
});
