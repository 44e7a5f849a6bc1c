// The mocks themselves speak their contracts. The ledger replica and the card processor are started by a
// command of ours, the way a replacement is (the replace machinery: PORT, FAULTLINE_* variables,
// faultline's services around it), and pass `faultline contract`, exit 0, leaving nothing behind; the
// ledger store and the feed, started here, pass every check against their URL.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONTRACT_CHECKS, contractPassed } from '../../harness/contract/checks/index.ts';
import { cli } from '../support/cli.ts';
import { portAcceptsConnections } from '../support/processes.ts';
import { checkedPorts, checkUrl, mockCommand, startMockFeed, startMockLedgerStore } from './support.ts';

describe('faultline contract passes the mocks', () => {
  for (const [service, entry] of [
    ['ledger', 'services/ledger/main.ts'],
    ['card-processor', 'services/card-processor/main.ts'],
  ] as const) {
    it(`${service}, started by command, speaks its contract`, async () => {
      const r = await cli(['contract', service, '--command', await mockCommand(entry), '--cases', '20', '--seed', '3'], 90_000);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`^${service} speaks its contract: \\d+ checks passed, 0 failed, 1 informational`, 'm'));
      for (const family of ['health', 'routes', 'bad-input', 'idempotency', 'rules', 'http-faults']) assert.match(r.stdout, new RegExp(`^  ${family} `, 'm'), `a ${family} row`);
      assert.match(r.stdout, /seed 3, 20 generated requests per route; accounts acc-000001 … acc-000020 \(seed 3\)/);
      const ports = checkedPorts(r.stdout);
      assert.equal(ports.length, 1);
      for (const port of ports) assert.equal(await portAcceptsConnections(port), false, `port ${port} is free again`);
    });
  }

  for (const [service, start] of [
    ['ledger-store', startMockLedgerStore],
    ['feed', startMockFeed],
  ] as const) {
    it(`${service}, at its URL, passes every check`, async () => {
      const mock = await start(3);
      try {
        const results = await checkUrl(service, mock.url, CONTRACT_CHECKS, 20, 3);
        assert.ok(contractPassed(results), results.filter((r) => r.verdict !== 'pass').map((r) => `${r.verdict} ${r.family} ${r.subject}: ${r.detail}`).join('\n'));
        for (const family of ['health', 'routes', 'bad-input', 'idempotency', 'rules']) assert.ok(results.some((r) => r.family === family && r.verdict === 'pass'), family);
      } finally {
        await mock.close();
      }
    });
  }
});
