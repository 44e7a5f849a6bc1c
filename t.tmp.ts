import { CONTRACT_CHECKS } from './harness/contract/checks/index.ts';
import { RecordingClient } from './harness/contract/checks/recording-client.ts';
import { contractContext } from './harness/contract/checks/index.ts';
import { startMockLedgerStore } from './test/contract/support.ts';
const store = await startMockLedgerStore();
const client = new RecordingClient([store.url], { timeoutMs: 5000 });
const ctx = await contractContext({ service: 'ledger-store', seed: 1, cases: 20, client });
for (const c of CONTRACT_CHECKS) { const t = Date.now(); const rows = await c.run(ctx); console.log(c.family, Date.now() - t, 'ms', rows.reduce((n, r) => n + r.requests, 0), rows.filter(r=>r.verdict!=='pass').map(r=>r.verdict+' '+r.subject+': '+r.detail)); }
client.close(); await store.close();
