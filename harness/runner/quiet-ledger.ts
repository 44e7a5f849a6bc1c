// Before the money checks read the ledger: wait until nothing has been written to it for a moment. A starved
// or overloaded pipeline can still hold writes after the drain — a request the network gave up on long ago,
// queued in a replica's connection pool behind a backlog, reaches the store late — and a write that lands
// while the checks read the accounts and then the journal makes them disagree (a false `balances` failure).
// The store's /health says how many journal entries it has (`entries`); a store that does not say is not
// waited for. Bounded: after `deadlineMs` the checks read anyway, and the log says the ledger was still moving.
import { setTimeout as sleep } from 'node:timers/promises';

export interface QuietOptions {
  /** No new entry for this long counts as quiet. */
  quietMs: number;
  /** Give up waiting after this long. */
  deadlineMs: number;
  /** Between two looks. */
  pollMs?: number;
}

async function getJson(url: string): Promise<unknown> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok ? ((await res.json()) as unknown) : null;
  } catch {
    return null;
  }
}

async function entries(storeUrl: string): Promise<number | null> {
  const body = (await getJson(`${storeUrl.replace(/\/+$/, '')}/health`)) as { entries?: unknown } | null;
  return typeof body?.entries === 'number' && Number.isInteger(body.entries) ? body.entries : null;
}

/** Epoch ms of the journal's last entry (its `at`), or null. */
async function lastWrite(storeUrl: string, count: number): Promise<number | null> {
  if (count < 1) return null;
  const page = (await getJson(`${storeUrl.replace(/\/+$/, '')}/v1/journal?after=${count - 1}&limit=1`)) as { entries?: { at?: unknown }[] } | null;
  const at = page?.entries?.[0]?.at;
  return typeof at === 'number' ? at : null;
}

/** Resolves once the store's journal has not grown for quietMs (true), or at the deadline (false). */
export async function waitForQuietLedger(storeUrl: string, options: QuietOptions, log: (line: string) => void): Promise<boolean> {
  const poll = options.pollMs ?? 200;
  const start = Date.now();
  let last = await entries(storeUrl);
  if (last === null) return true; // the store does not say: nothing to wait for
  const first = last;
  // Usually the last write is long past (the drain took a while): no wait at all.
  const lastAt = await lastWrite(storeUrl, last);
  let quietSince = lastAt !== null && lastAt <= Date.now() ? lastAt : Date.now();
  while (Date.now() - quietSince < options.quietMs) {
    if (Date.now() - start >= options.deadlineMs) {
      log(`the ledger was still being written ${Math.round(options.deadlineMs / 1000)} s after the drain (${last - first} entries since): checking it anyway`);
      return false;
    }
    await sleep(poll);
    const now = await entries(storeUrl);
    if (now === null) return true;
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    }
  }
  if (last > first) log(`waited ${((Date.now() - start) / 1000).toFixed(1)} s for late ledger writes to land (${last - first} entries) before checking`);
  return true;
}
