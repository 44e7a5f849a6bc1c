// Seeds have one documented range, 0 … 2^32 - 1 (harness/scenario/seed.ts), on every command that takes
// --seed and in scenario files: anything else (1e21, -1, 0x10, an empty value) is exit 2 before anything
// starts, and the largest seed still makes request ids within the contracts' id pattern.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { IdFactory, MAX_ID_LENGTH } from '../../harness/contract/checks/ids.ts';
import { MAX_SEED, parseSeed } from '../../harness/scenario/seed.ts';
import { cli } from '../support/cli.ts';
import { tempDir } from '../replace/support.ts';

const RANGE = /must be a whole number from 0 to 4294967295 \(2\^32 - 1\), got "(.*)"/;

test('a seed is a whole number from 0 to 2^32 - 1, written in decimal digits', () => {
  for (const ok of ['0', '1', '42', ' 7 ', String(MAX_SEED)]) assert.deepEqual(parseSeed(ok), { seed: Number(ok) }, ok);
  for (const bad of ['', ' ', '-1', '1e21', '1e3', '0x10', '1.5', '4294967296', '99999999999', 'seven', '+3', 'Infinity', 'NaN']) {
    const parsed = parseSeed(bad);
    assert.ok('problem' in parsed, `"${bad}" is refused`);
    assert.match(parsed.problem, RANGE);
  }
  // The largest seed keeps every request id a contract check makes within the id pattern and its length.
  const id = new IdFactory(MAX_SEED, 'zzzzz').next('idem', 'a'.repeat(80));
  assert.match(id, /^[A-Za-z0-9_.:-]+$/);
  assert.ok(id.length <= MAX_ID_LENGTH && id.startsWith(`ct${MAX_SEED}-zzzzz-idem1-`), id);
});

test('run, up and contract refuse a seed outside the range (and an empty one) with exit 2, starting nothing', async () => {
  const cases: Array<{ args: string[]; got: string }> = [
    { args: ['run', 'baseline', '--seed', '1e21'], got: '1e21' },
    { args: ['run', 'baseline', '--seed', ''], got: '' },
    { args: ['up', '--seed', '4294967296'], got: '4294967296' },
    { args: ['contract', 'ledger', '--url', 'http://127.0.0.1:9', '--seed', '-1'], got: '-1' },
  ];
  const results = await Promise.all(cases.map((c) => cli(c.args, 60_000)));
  for (const [i, r] of results.entries()) {
    const c = cases[i] as (typeof cases)[number];
    assert.equal(r.code, 2, `${c.args.join(' ')}: ${r.stdout}${r.stderr}`);
    const m = RANGE.exec(r.stderr);
    assert.ok(m, `${c.args.join(' ')}: ${r.stderr}`);
    assert.equal(m[1], c.got);
    assert.match(r.stderr, /--seed must be/);
    assert.doesNotMatch(r.stdout + r.stderr, /topology up|checking .* at http|pipeline up/, 'nothing was started');
  }
});

test('a scenario file with a seed outside the range is exit 2 naming the field', async () => {
  const file = path.join(await tempDir(), 'big-seed.json');
  await writeFile(file, JSON.stringify({ name: 'big-seed', description: 'a seed too large', seed: 1e21 }));
  const r = await cli(['run', file], 60_000);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /seed/);
  assert.match(r.stderr, /a seed is a whole number from 0 to 4294967295/);
});
