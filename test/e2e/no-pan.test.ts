// No PAN, anywhere: hostile input carrying card numbers (in a replayed id, an account id, a merchant name,
// the scenario's description, and a bad replay line) goes through a real run; every file the run writes
// and everything it prints is scanned for a full card number. The scanner is written here, independently
// of the masking code it checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../support/cli.ts';

const PANS = ['4111111111111111', '5500005555555559', '378282246310005', '6011 1111 1111 1117'];

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Every card number in a text: spans of whole digit groups (split by one space or dash) of 13–19 digits passing Luhn. */
function fullCardNumbers(text: string): string[] {
  const found: string[] = [];
  for (const run of text.matchAll(/\d+(?:[ -]\d+)*/g)) {
    const groups = run[0].split(/[ -]/);
    for (let i = 0; i < groups.length; i++) {
      let digits = '';
      for (let j = i; j < groups.length && digits.length <= 19; j++) {
        digits += groups[j];
        if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) found.push(groups.slice(i, j + 1).join(' '));
      }
    }
  }
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('card numbers in hostile input never reach a file the run writes, nor stdout or stderr', async () => {
  for (const pan of PANS) assert.equal(fullCardNumbers(`x ${pan} y`).length, 1, `the scanner finds ${pan}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-pan-'));
  const scenario = path.join(dir, 'hostile.yaml');
  await writeFile(
    scenario,
    [
      'name: hostile',
      `description: "card ${PANS[0]} in a description, and ${PANS[3]}"`,
      'warmup_s: 0',
      'traffic: { duration_s: 3, rate: 20 }',
      'drain_s: 2',
      '',
    ].join('\n'),
  );
  const card = { token: 'tok_hostile', last4: '1111' };
  const amount = { value: 1200, currency: 'GBP' };
  const merchant = { name: `Shop ${PANS[1]}`, mcc: '5411', country: 'GB' };
  const lines = [
    { offset_ms: 10, kind: 'authorization', body: { id: PANS[0], account_id: 'acc-000001', card, amount, merchant, channel: 'pos' } },
    { offset_ms: 20, kind: 'authorization', body: { id: 'auth-hostile-2', account_id: PANS[2], card, amount, merchant, channel: 'pos' } },
    { offset_ms: 30, kind: 'balance', account_id: PANS[1], id: 'bal-hostile' },
    { offset_ms: 500, kind: 'reversal', body: { id: `rev-${PANS[0]}`, authorization_id: PANS[0], account_id: 'acc-000001', amount } },
  ];
  const replay = path.join(dir, 'hostile.jsonl');
  await writeFile(replay, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const out = path.join(dir, 'run');
  const run = await cli(['run', scenario, '--replay', replay, '--out', out]);
  assert.ok([0, 1, 4].includes(run.code ?? -1), `the run finished: ${run.stderr}`);
  assert.deepEqual(fullCardNumbers(run.stdout), [], 'stdout');
  assert.deepEqual(fullCardNumbers(run.stderr), [], 'stderr');
  const written = filesUnder(out);
  assert.ok(written.some((f) => f.endsWith('summary.json')) && written.some((f) => f.endsWith('index.html')) && written.some((f) => /history\.jsonl/.test(f)));
  for (const file of written) {
    const raw = readFileSync(file);
    const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    assert.deepEqual(fullCardNumbers(text), [], path.relative(out, file));
  }
  const history = readFileSync(written.find((f) => /history\.jsonl$/.test(f)) as string, 'utf8');
  assert.match(history, /•••• 1111/, 'the masked id keeps its last four digits');

  // A bad replay line echoes what it got: masked too.
  const bad = path.join(dir, 'bad.jsonl');
  await writeFile(bad, JSON.stringify({ offset_ms: 0, kind: PANS[0] }) + '\n');
  const refused = await cli(['run', scenario, '--replay', bad, '--out', path.join(dir, 'bad-run')]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /kind/);
  assert.deepEqual(fullCardNumbers(refused.stdout + refused.stderr), []);
});
