// faultline's own card processor, started by a command of ours the way a replacement is, speaks its contract:
// every family passes, its answers are read back in the ledger behind it and its feed agrees with that ledger
// after drain. (It passes once ids are one space across its routes — the `answers` branch: until that merges,
// its two `… id: an authorization's id` idempotency rows fail, and so does this test.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mockByCommand } from './support.ts';

describe('faultline contract passes the mock card processor', () => {
  it('card-processor, started by command, speaks its contract', async () => {
    const r = await mockByCommand('card-processor', 'services/card-processor/main.ts');
    assert.match(r.stdout, /^ {2}read-back +every answer is in the ledger behind it +pass /m);
    assert.match(r.stdout, /^ {2}read-back +the feed agrees with the ledger after drain +pass /m);
    assert.match(r.stdout, /^ {2}accounts +each account's own card, and no other +pass /m);
  });
});
