import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactCardNumbers, stringifyMasked } from '../../services/common/pan.ts';

test('card numbers are masked to their last four, grouped or not, next to other digits or not', () => {
  assert.equal(redactCardNumbers('card 4111111111111111 ok'), 'card •••• 1111 ok');
  assert.equal(redactCardNumbers('6011 1111 1111 1117'), '•••• 1117');
  assert.equal(redactCardNumbers('5500-0055-5555-5559'), '•••• 5559');
  assert.equal(redactCardNumbers('4111111111111111 5500005555555559'), '•••• 1111 •••• 5559');
  assert.equal(redactCardNumbers('id-4111111111111111-x'), 'id-•••• 1111-x');
  assert.equal(redactCardNumbers('4111111111111111 550'), '•••• 1111 550');
  assert.equal(redactCardNumbers('no digits here'), 'no digits here');
  assert.equal(redactCardNumbers('amount 123456 and 4111111111111112'), 'amount 123456 and 4111111111111112', 'not Luhn-valid: kept');
});

test('JSON: only string values are masked; numbers stay numbers', () => {
  const text = stringifyMasked({ id: '4111111111111111', seed: 4111111111111111, n: 3 });
  const back = JSON.parse(text) as { id: string; seed: number };
  assert.equal(back.id, '•••• 1111');
  assert.equal(back.seed, 4111111111111111);
});
