// The bundle cache (harness/build/cached-bundle.mjs) that the CLI and the service processes start from:
// a build has a deadline, and a new build removes what a cut-off build left and bundles superseded long ago.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginBuild } from 'esbuild';
import { bundleKey, cachedBundle, sourceStamp, sourceUrls } from '../../harness/build/cached-bundle.mjs';

async function project(): Promise<{ root: string; cache: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'faultline-bundle-'));
  await mkdir(path.join(root, 'src'));
  await writeFile(path.join(root, 'src', 'entry.ts'), 'export const answer: number = 42;\n');
  await writeFile(path.join(root, 'package-lock.json'), '{}\n');
  const cache = path.join(root, 'node_modules', '.cache', 'faultline');
  await mkdir(cache, { recursive: true });
  return { root, cache };
}

/** A pid no process has now: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8', timeout: 10_000 });
  return Number(child.stdout);
}

test('a new build removes cut-off builds and bundles superseded over a day ago, and keeps the rest', async () => {
  const { root, cache } = await project();
  try {
    const key = await bundleKey({ root, dirs: ['src'], entries: ['src/entry.ts'] });
    const old = path.join(cache, 'demo-0000000000000001');
    const recent = path.join(cache, 'demo-0000000000000002');
    const cutOff = path.join(cache, `demo-${key}.tmp-${deadPid()}-1700000000000`);
    const building = path.join(cache, `demo-${key}.tmp-${process.pid}-1700000000000`);
    const otherName = path.join(cache, 'demo2-0000000000000003');
    for (const dir of [old, recent, cutOff, building, otherName]) await mkdir(dir);
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000);
    for (const dir of [old, otherName]) await utimes(dir, twoDaysAgo, twoDaysAgo);

    const dir = await cachedBundle({ root, name: 'demo', dirs: ['src'], entries: ['src/entry.ts'] });
    assert.equal(dir, path.join(cache, `demo-${key}`));
    const built = (await import(path.join(dir, 'src', 'entry.mjs'))) as { answer: number };
    assert.equal(built.answer, 42);
    assert.ok(!existsSync(old), 'a bundle superseded two days ago is removed');
    assert.ok(!existsSync(cutOff), "a build folder whose process is gone is removed");
    assert.ok(existsSync(recent), 'a recently superseded bundle stays: a running topology may start from it');
    assert.ok(existsSync(building), 'a build still under way in a live process stays');
    assert.ok(existsSync(otherName), "another bundle's folders are not this one's to prune");
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('how a bundle is built is part of its key: other options or another format build anew, a CommonJS set lands at .cjs', async () => {
  const { root } = await project();
  try {
    const esm = await cachedBundle({ root, name: 'demo', dirs: ['src'], entries: ['src/entry.ts'] });
    // The same sources with other options: a bundle an older way built (say, with packages external) is not reused.
    const minified = await cachedBundle({ root, name: 'demo', dirs: ['src'], entries: ['src/entry.ts'], options: { minify: true } });
    assert.notEqual(minified, esm);
    const cjs = await cachedBundle({ root, name: 'demo', dirs: ['src'], entries: ['src/entry.ts'], format: 'cjs' });
    assert.notEqual(cjs, esm);
    assert.notEqual(cjs, minified);
    assert.ok(existsSync(path.join(cjs, 'src', 'entry.cjs')));
    const { createRequire } = await import('node:module');
    assert.equal((createRequire(import.meta.url)(path.join(cjs, 'src', 'entry.cjs')) as { answer: number }).answer, 42);
    assert.equal(await cachedBundle({ root, name: 'demo', dirs: ['src'], entries: ['src/entry.ts'], format: 'cjs' }), cjs, 'the same way finds the same bundle');
    assert.notEqual(await bundleKey({ root, dirs: ['src'], entries: ['src/entry.ts'] }), (await sourceStamp(root, ['src'])), 'the key is more than the sources');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a build past its deadline gives up with an error naming the bundle, and leaves no folder behind', async () => {
  const { root, cache } = await project();
  try {
    // A plugin whose load never finishes: the build hangs until its deadline, whatever the machine's speed.
    const hang = { name: 'hang', setup: (b: PluginBuild) => b.onLoad({ filter: /entry\.ts$/ }, () => new Promise<undefined>(() => undefined)) };
    const started = Date.now();
    await assert.rejects(
      cachedBundle({ root, name: 'demo', dirs: ['src'], entries: ['src/entry.ts'], options: { plugins: [hang] }, deadlineMs: 300 }),
      /building the demo bundle took over 300 ms: gave up/,
    );
    const took = Date.now() - started;
    assert.ok(took >= 250 && took < 15_000, `gave up after ${took} ms`);
    const { readdir } = await import('node:fs/promises');
    assert.deepEqual(await readdir(cache), []);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('with the sourceUrls plugin, a bundled module sees its own source file as import.meta url, dirname and filename', async () => {
  const { root } = await project();
  try {
    // The expressions are spelled apart here: this test file is itself bundled with the plugin (test/run.mjs).
    const meta = ['url', 'dirname', 'filename'].map((k) => `import.meta.${k}`);
    await writeFile(path.join(root, 'src', 'where.ts'), `export const where = [${meta.join(', ')}];\n`);
    const dir = await cachedBundle({ root, name: 'where', dirs: ['src'], entries: ['src/where.ts'], options: { plugins: [sourceUrls] } });
    const source = path.join(root, 'src', 'where.ts');
    const { where } = (await import(path.join(dir, 'src', 'where.mjs'))) as { where: string[] };
    assert.deepEqual(where, [pathToFileURL(source).href, path.dirname(source), source]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
