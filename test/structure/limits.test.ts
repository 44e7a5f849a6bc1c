// The size limits of harness/ and services/ (test/measure/limits.ts measures them with the TypeScript
// parser): no file over 400 lines, no function over 120 lines, no function with more than 6 positional
// parameters (pass an options object instead). First, that the measure sees a breach where there is one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { breaches, formatBreach, LIMITS, measureSource, measureTree } from '../measure/limits.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function functionOf(lines: number, name = 'long'): string {
  const body = Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i};`).join('\n');
  return `export function ${name}(): void {\n${body}\n}\n`;
}

test('a function one line over the limit is a breach; one at the limit is not', () => {
  const at = measureSource('at.ts', functionOf(LIMITS.functionLines));
  assert.deepEqual(breaches([at]), []);
  const over = measureSource('over.ts', functionOf(LIMITS.functionLines + 1));
  assert.deepEqual(breaches([over]).map(formatBreach), [`over.ts:1 long: ${LIMITS.functionLines + 1} function lines (limit ${LIMITS.functionLines})`]);
});

test('a method, a constructor and an arrow count; a destructured options object is one parameter', () => {
  const source = [
    'export class Book {',
    '  constructor(a: number, b: number, c: number, d: number, e: number, f: number, g: number) {}',
    '  answer({ a, b, c, d, e, f, g }: Record<string, number>, h: number): void {}',
    '}',
    'export const post = (a: number, b: number, c: number, d: number, e: number, f: number, g: number): number => a;',
    'export function withThis(this: unknown, a: number, b: number, c: number, d: number, e: number, f: number): void {}',
  ].join('\n');
  const found = breaches([measureSource('book.ts', source)]).map(formatBreach);
  assert.deepEqual(found, [
    'book.ts:2 Book.constructor: 7 positional parameters (limit 6)',
    'book.ts:5 post: 7 positional parameters (limit 6)',
  ]);
});

test('a file over 400 lines is a breach', () => {
  const small = Array.from({ length: 8 }, (_, i) => functionOf(50, `f${i}`)).join('\n');
  const file = measureSource('big.ts', small);
  assert.ok(file.lines > LIMITS.fileLines);
  assert.deepEqual(breaches([file]).map((b) => b.what), ['file lines']);
});

test('harness/ and services/ keep the limits', () => {
  const files = measureTree(root, ['harness', 'services']);
  assert.ok(files.length > 300, `measured ${files.length} files: the tree was not found`);
  assert.ok(files.flatMap((f) => f.functions).length > 2000, 'the functions were not found');
  const found = breaches(files).map(formatBreach);
  assert.deepEqual(found, [], `over the limits (split by role, or pass an options object):\n${found.join('\n')}`);
});
