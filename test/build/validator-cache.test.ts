// Ajv's validators kept as code between a service's starts (services/common/validator-cache.ts): a validator
// loaded from the cache judges every input exactly as the one Ajv compiles, the cache is what a later start
// uses, no state of the cache (damaged, unwritable) changes a judgement, and a real service answers bad
// input byte for byte the same with a cold cache, a warm one and none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { schemaCompiler } from '../../services/common/validator-cache.ts';
import { entryFile, readEntry, writeEntry } from '../../services/common/generated-code.ts';
import { createApp } from '../../services/common/app.ts';
import { createLedgerBook } from '../../services/ledger/book-factory.ts';
import { ledgerStorePlugin } from '../../services/ledger/store-plugin.ts';
import { BAD_INPUT_CASES } from '../ledger/bad-input-cases.ts';

const OPTIONS = { allErrors: false, removeAdditional: false, useDefaults: false, strict: false, validateSchema: false, coerceTypes: false, code: { optimize: false } } as const;

// Keywords whose standalone code needs Ajv's runtime helpers (minLength: ucs2length; const of an object and
// uniqueItems: equal) as well as the plain ones.
const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'amount'],
  properties: {
    id: { type: 'string', minLength: 2, maxLength: 8, pattern: '^acc-' },
    amount: { type: 'object', additionalProperties: false, required: ['value', 'currency'], properties: { value: { type: 'integer', minimum: 1 }, currency: { enum: ['GBP', 'EUR'] } } },
    tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, maxItems: 3 },
    origin: { const: { network: 'visa' } },
    note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
  },
} as const;

const INPUTS: unknown[] = [
  { id: 'acc-1', amount: { value: 5, currency: 'GBP' } },
  { id: 'acc-1', amount: { value: 5, currency: 'GBP' }, tags: ['a', 'b'], origin: { network: 'visa' }, note: null },
  { id: 'acc-😀', amount: { value: 5, currency: 'EUR' } },
  { id: 'a', amount: { value: 5, currency: 'GBP' } },
  { id: 'bcc-12', amount: { value: 5, currency: 'GBP' } },
  { id: 'acc-123456789', amount: { value: 5, currency: 'GBP' } },
  { id: 'acc-1', amount: { value: 0, currency: 'GBP' } },
  { id: 'acc-1', amount: { value: 1.5, currency: 'GBP' } },
  { id: 'acc-1', amount: { value: '5', currency: 'GBP' } },
  { id: 'acc-1', amount: { value: 5, currency: 'XYZ' } },
  { id: 'acc-1', amount: { value: 5 } },
  { id: 'acc-1' },
  { id: 'acc-1', amount: { value: 5, currency: 'GBP' }, extra: true },
  { id: 'acc-1', amount: { value: 5, currency: 'GBP' }, tags: ['a', 'a'] },
  { id: 'acc-1', amount: { value: 5, currency: 'GBP' }, tags: ['a', 'b', 'c', 'd'] },
  { id: 'acc-1', amount: { value: 5, currency: 'GBP' }, origin: { network: 'mastercard' } },
  { id: 'acc-1', amount: { value: 5, currency: 'GBP' }, note: 7 },
  null,
  'text',
  [],
];

/** What a validator says about each input: valid, or its first error. */
function verdicts(validate: ReturnType<ReturnType<typeof schemaCompiler>>): unknown[] {
  return INPUTS.map((input) => (validate(input) ? 'valid' : validate.errors?.[0]));
}

const tempDir = (): Promise<string> => mkdtemp(path.join(os.tmpdir(), 'faultline-validators-'));

test('a validator loaded from the cache judges every input as the one Ajv compiles, and a later start uses the entry', async () => {
  const dir = await tempDir();
  try {
    const compiled = verdicts(schemaCompiler(OPTIONS, undefined)(SCHEMA));
    assert.ok(compiled.filter((v) => v === 'valid').length === 3, 'three of the inputs are valid');
    const cold = verdicts(schemaCompiler(OPTIONS, dir)(SCHEMA));
    assert.deepEqual(cold, compiled, 'the first start compiles as before');
    assert.equal((await readdir(dir)).length, 1, 'and keeps one entry for the schema');
    const warm = verdicts(schemaCompiler(OPTIONS, dir)(SCHEMA));
    assert.deepEqual(warm, compiled, 'a later start judges every input the same, with the same first error');

    // The entry is what a later start runs: one rewritten (whole) to accept anything is what it gets.
    const file = path.join(dir, (await readdir(dir))[0] as string);
    writeEntry(file, 'module.exports = function validate() { return true; };');
    assert.equal(schemaCompiler(OPTIONS, dir)(SCHEMA)({ not: 'an account' }), true);
    // Other options are another entry (coercion changes the code).
    assert.equal(schemaCompiler({ ...OPTIONS, coerceTypes: true }, dir)(SCHEMA)({ not: 'an account' }), false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a damaged entry is compiled past and written again whole; an unwritable folder only means compiling', async () => {
  const dir = await tempDir();
  try {
    const compiled = verdicts(schemaCompiler(OPTIONS, undefined)(SCHEMA));
    schemaCompiler(OPTIONS, dir)(SCHEMA);
    const file = path.join(dir, (await readdir(dir))[0] as string);
    const whole = await readFile(file, 'utf8');
    // Cut in half (a disk that filled up, a copy interrupted): its digest no longer matches.
    await writeFile(file, whole.slice(0, Math.floor(whole.length / 2)));
    assert.equal(readEntry(file), undefined);
    assert.deepEqual(verdicts(schemaCompiler(OPTIONS, dir)(SCHEMA)), compiled);
    assert.equal(await readFile(file, 'utf8'), whole, 'rewritten whole');
    // The right digest over code that does not run (or exports no function) is compiled past too.
    writeEntry(file, 'module.exports = 42;');
    assert.deepEqual(verdicts(schemaCompiler(OPTIONS, dir)(SCHEMA)), compiled);
    writeEntry(file, 'require("node:child_process"); module.exports = () => true;');
    assert.deepEqual(verdicts(schemaCompiler(OPTIONS, dir)(SCHEMA)), compiled, 'code requiring a module it is not served is not run');

    // A folder that cannot be made (a file stands where it would be).
    const blocked = path.join(dir, 'not-a-folder');
    await writeFile(blocked, 'x');
    assert.deepEqual(verdicts(schemaCompiler(OPTIONS, blocked)(SCHEMA)), compiled);
    assert.equal(entryFile(blocked, 'x').startsWith(blocked), true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Every bad-input case and a few querystrings (coerced) against a fresh ledger store: status and body. */
async function storeAnswers(): Promise<string[]> {
  const app = createApp();
  await app.register(ledgerStorePlugin, { book: createLedgerBook({ seed: 5, accounts: 20, idempotency: true }), replica: 'ledger-store' });
  await app.ready();
  try {
    const answers: string[] = [];
    for (const c of BAD_INPUT_CASES) {
      const res = await app.inject({ method: 'POST', url: c.path, payload: c.body, headers: { 'content-type': c.contentType ?? 'application/json' } });
      answers.push(`${c.name}: ${res.statusCode} ${res.body}`);
    }
    for (const query of ['limit=2', 'limit=2&after=1', 'limit=x', 'limit=0', 'after=-1', 'other=1']) {
      const res = await app.inject({ method: 'GET', url: `/v1/journal?${query}` });
      // The opening entries carry the time the book was made: not the validators' business.
      answers.push(`journal?${query}: ${res.statusCode} ${res.body.replace(/"at":\d+/g, '"at":0')}`);
    }
    return answers;
  } finally {
    await app.close();
  }
}

test('a real service answers bad input and querystrings the same with no cache, a cold one and a warm one', async () => {
  const dir = await tempDir();
  const saved = process.env.FAULTLINE_VALIDATOR_CACHE;
  try {
    delete process.env.FAULTLINE_VALIDATOR_CACHE;
    const none = await storeAnswers();
    assert.ok(none.some((a) => a.startsWith('journal?limit=2: 200')), none.join('\n'));
    assert.ok(none.some((a) => a.startsWith('journal?limit=x: 400')), none.join('\n'));
    process.env.FAULTLINE_VALIDATOR_CACHE = dir;
    const cold = await storeAnswers();
    const kept = (await readdir(dir)).length;
    assert.ok(kept > 5, `the store's route schemas were kept (${kept})`);
    const warm = await storeAnswers();
    assert.equal((await readdir(dir)).length, kept, 'a warm start compiles nothing new');
    assert.deepEqual(cold, none);
    assert.deepEqual(warm, none);
  } finally {
    if (saved === undefined) delete process.env.FAULTLINE_VALIDATOR_CACHE;
    else process.env.FAULTLINE_VALIDATOR_CACHE = saved;
    await rm(dir, { recursive: true, force: true });
  }
});
