// Item 7 of issue 21: `faultline contract --command ""` names --command (not --replace, whose parser it
// reuses), exit 2 before anything starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from '../support/cli.ts';

test('contract --command "" (or blank) is exit 2 naming --command, not --replace', async () => {
  for (const command of ['', '   ']) {
    const r = await cli(['contract', 'ledger', '--command', command]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--command must be the command that starts your service, e\.g\. --command "node my-ledger\.js"/);
    assert.doesNotMatch(r.stderr, /--replace/);
  }
});
