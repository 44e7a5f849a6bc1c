// Settling writes whose outcome is unknown: a ledger that keeps failing (down, or answering outside its
// contract) is asked less and less often — each pass that settles nothing doubles the wait, up to a cap —
// instead of being sent every pending write four times a second; once it answers, the write settles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AmbiguousWrites } from '../../services/card-processor/ambiguous-writes.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a pass that settles nothing backs off (doubling to a cap); a write settles once the ledger answers', async () => {
  const writes = new AmbiguousWrites({ intervalMs: 20, maxIntervalMs: 160, concurrency: 4, maxPending: 10 });
  let attempts = 0;
  let healthy = false;
  writes.add('hold:a', async () => {
    attempts++;
    if (!healthy) throw new Error('bad answer');
  });
  try {
    await sleep(1200);
    // Without backoff: about 60 passes in 1.2 s (every 20 ms). With it: 20+40+80+160+160+… ≈ 9.
    assert.ok(attempts >= 3 && attempts <= 20, `${attempts} attempts in 1.2 s`);
    assert.equal(writes.size, 1);
    healthy = true;
    assert.equal(await writes.drain(2000), true);
    assert.equal(writes.size, 0);
    assert.equal(writes.resolved, 1);
  } finally {
    writes.stop();
  }
});
