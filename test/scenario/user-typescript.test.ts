// A scenario the user wrote in TypeScript, kept in a folder of their own (no package.json, so Node takes a
// .ts there for CommonJS): loaded in-process and by the CLI started as a user starts it (from its bundle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadScenario } from '../../harness/scenario/load.ts';
import { cli, ROOT } from '../support/cli.ts';

const PLAIN = `export default {
  name: 'user-plain',
  description: 'written by a user, outside the checkout',
  seed: 3,
  traffic: { model: 'open', rate: 50, duration_s: 2 },
};
`;

const defineUrl = pathToFileURL(path.join(ROOT, 'harness/scenario/define.ts')).href;
const WITH_DEFINE = `import { defineScenario } from '${defineUrl}';
export default defineScenario({ name: 'user-defined', description: 'typed with defineScenario', seed: 4, traffic: { model: 'open', rate: 40, duration_s: 3 } });
`;

test("a user's TypeScript scenario outside the checkout loads, plain or through defineScenario", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-user-ts-'));
  try {
    await writeFile(path.join(dir, 'plain.ts'), PLAIN);
    await writeFile(path.join(dir, 'typed.ts'), WITH_DEFINE);
    const plain = await loadScenario(path.join(dir, 'plain.ts'));
    assert.equal(plain.scenario.name, 'user-plain');
    assert.equal(plain.scenario.traffic.rate, 50);
    const typed = await loadScenario(path.join(dir, 'typed.ts'));
    assert.equal(typed.scenario.name, 'user-defined');

    // The CLI, from its bundle: `export k6` loads the scenario and writes its plan, no topology needed.
    for (const [file, rate] of [['plain.ts', 50], ['typed.ts', 40]] as const) {
      const out = path.join(dir, `${file}.k6`);
      const r = await cli(['export', 'k6', path.join(dir, file), '--out', out], 60_000);
      assert.equal(r.code, 0, `${file}: ${r.stderr}`);
      assert.match(await readFile(path.join(out, 'script.ts'), 'utf8'), new RegExp(`rate: ${rate}\\b`), file);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
