// The mocks themselves speak their contracts. The ledger replica is started by a command of ours, the way a
// replacement is (the replace machinery: PORT, FAULTLINE_* variables, faultline's services around it), and
// passes `faultline contract`, exit 0, leaving nothing behind (the card processor: mocks-processor.test.ts);
// the ledger store and the feed, started here, pass every check against their URL.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONTRACT_CHECKS, contractPassed } from '../../harness/contract/checks/index.ts';
import { checkUrl, mockByCommand, startMockFeed, startMockLedgerStore } from './support.ts';

describe('faultline contract passes the mocks', () => {
  it('ledger, started by command, speaks its contract', async () => {
    const r = await mockByCommand('ledger', 'services/ledger/main.ts');
    assert.match(r.stdout, /^ {2}read-back +every write is in the journal, once +pass /m);
  });

  for (const [service, start] of [
    ['ledger-store', startMockLedgerStore],
    ['feed', startMockFeed],
  ] as const) {
    it(`${service}, at its URL, passes every check`, async () => {
      const mock = await start(3);
      try {
        const results = await checkUrl(service, mock.url, CONTRACT_CHECKS, 20, 3);
        assert.ok(contractPassed(results), results.filter((r) => r.verdict !== 'pass').map((r) => `${r.verdict} ${r.family} ${r.subject}: ${r.detail}`).join('\n'));
        for (const family of ['health', 'accounts', 'routes', 'bad-input', 'idempotency', 'rules', 'read-back', 'admin']) assert.ok(results.some((r) => r.family === family && r.verdict === 'pass'), family);
      } finally {
        await mock.close();
      }
    });
  }
});
