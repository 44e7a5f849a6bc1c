// Each defence of the hardened router switched off through its tuning (tuning.defences, what a scenario's
// router_tuning becomes), against the same real failure as with it on: the router must behave differently
// in the specific way the defence stands for, and only that way.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RouteError, createRouter, type HardenedTuningInput, type RouteResult, type Router } from '../../services/router/index.ts';
import { admin, eventually, register } from '../discovery/support.ts';
import { startScene, startUpstream } from './support.ts';

async function call(router: Router, service = 'ledger', opts: { idempotent?: boolean; deadlineMs?: number } = {}): Promise<RouteResult | RouteError> {
  try {
    return await router.request(service, { method: 'POST', path: '/v1/holds', body: { a: 1 }, idempotent: opts.idempotent ?? true, deadlineMs: opts.deadlineMs ?? 8000 });
  } catch (err) {
    if (err instanceof RouteError) return err;
    throw err;
  }
}

const hardened = (url: string, tuning: HardenedTuningInput, services = ['ledger']): Promise<Router> => createRouter({ policy: 'hardened', discoveryUrl: url, services, tuning });

describe('hardened router: each defence switched off by tuning', () => {
  it('ejection off: a dead endpoint is never ejected and keeps costing a retry', async () => {
    const scene = await startScene({ ledger: ['ledger-1'] });
    try {
      const url = scene.discovery.url;
      await admin(url, 'PUT', '/__admin/faults/dead_endpoints', { service: 'ledger', count: 1 });
      const base: HardenedTuningInput = { balancer: 'round_robin', ejectionMs: 60_000, attemptTimeoutMs: 3000, retryBudgetMinPerSec: 1000 };
      const on = await hardened(url, base);
      const off = await hardened(url, { ...base, defences: { ejection: false } });
      scene.routers.push(on, off);
      const paid = { on: 0, off: 0 };
      for (let i = 0; i < 30; i++) {
        for (const [name, router] of [['on', on], ['off', off]] as const) {
          const r = await call(router);
          assert.ok(!(r instanceof RouteError), `${name}: ${String(r)}`);
          if (i >= 10 && r.attempts > 1) paid[name]++;
        }
      }
      assert.ok(on.snapshot().counters.ejections >= 1);
      assert.equal(paid.on, 0, 'with ejection, the dead endpoint is out and no request pays a retry');
      assert.equal(off.snapshot().counters.ejections, 0, 'without ejection, nothing is ever ejected');
      assert.ok(off.snapshot().services.ledger?.endpoints.every((e) => !e.ejected));
      assert.ok(paid.off >= 5, `without ejection, requests keep paying for the dead endpoint (${paid.off} of 20)`);
    } finally {
      await scene.close();
    }
  });

  it('last_known_good off: empty endpoints route nowhere at once; on: bridged with the last set', async () => {
    const scene = await startScene({ ledger: ['ledger-1', 'ledger-2'] });
    try {
      const url = scene.discovery.url;
      const on = await hardened(url, { attemptTimeoutMs: 3000 });
      const off = await hardened(url, { attemptTimeoutMs: 3000, defences: { last_known_good: false } });
      scene.routers.push(on, off);
      for (const router of [on, off]) assert.ok(!((await call(router)) instanceof RouteError));

      await admin(url, 'PUT', '/__admin/faults/empty_subsets', { service: 'ledger' });
      await eventually(() => off.snapshot().services.ledger?.subsets === 'empty' && on.snapshot().services.ledger?.subsets === 'empty', 3000, 'both see subsets: []');
      const bridged = await call(on);
      assert.ok(!(bridged instanceof RouteError), `on: ${String(bridged)}`);
      assert.equal(on.snapshot().services.ledger?.source, 'last_known_good');
      const nowhere = await call(off);
      assert.ok(nowhere instanceof RouteError, 'off: no endpoint');
      assert.equal(nowhere.cause, 'discovery_empty');
      assert.equal(nowhere.hop, 'processor->discovery');
      assert.equal(nowhere.attempts, 0);
      assert.equal(off.snapshot().services.ledger?.source, 'none');

      await admin(url, 'DELETE', '/__admin/faults/empty_subsets?service=ledger');
      await eventually(async () => !((await call(off)) instanceof RouteError), 3000, 'off routes again once endpoints are back');
    } finally {
      await scene.close();
    }
  });

  it('retry_budget off: retries are no longer limited by the budget', async () => {
    const scene = await startScene({ ledger: ['ledger-1', 'ledger-2'] });
    try {
      const url = scene.discovery.url;
      for (const u of scene.upstreams.values()) u.status = 503;
      // A budget that allows no retry at all: on, every call gets one attempt; off, the three it may have.
      const empty: HardenedTuningInput = { attemptTimeoutMs: 3000, retryBudgetRatio: 0, retryBudgetMinPerSec: 0 };
      const on = await hardened(url, empty);
      const off = await hardened(url, { ...empty, defences: { retry_budget: false } });
      scene.routers.push(on, off);
      for (let i = 0; i < 5; i++) {
        const denied = await call(on);
        assert.ok(denied instanceof RouteError);
        assert.equal(denied.attempts, 1);
        const unlimited = await call(off);
        assert.ok(unlimited instanceof RouteError);
        assert.equal(unlimited.attempts, 3);
      }
      assert.equal(on.snapshot().counters.retriesDeniedByBudget, 5);
      assert.equal(off.snapshot().counters.retriesDeniedByBudget, 0);
      assert.equal(off.snapshot().counters.retries, 10);
    } finally {
      await scene.close();
    }
  });

  it('attempt_timeout off: one attempt at a hanging endpoint uses the whole deadline instead of moving on', async () => {
    const scene = await startScene({ ledger: ['ledger-1', 'ledger-2'] });
    try {
      const url = scene.discovery.url;
      scene.upstreams.get('ledger-1')!.delayMs = 5000;
      const base: HardenedTuningInput = { balancer: 'round_robin', attemptTimeoutMs: 150, ejectAfterFailures: 1000, retryBudgetMinPerSec: 1000 };
      const on = await hardened(url, base);
      const off = await hardened(url, { ...base, defences: { attempt_timeout: false } });
      scene.routers.push(on, off);
      let onSlow = 0;
      let offSlow = 0;
      for (let i = 0; i < 4; i++) {
        const t0 = performance.now();
        const a = await call(on, 'ledger', { deadlineMs: 1500 });
        const onMs = performance.now() - t0;
        assert.ok(!(a instanceof RouteError), `on: ${String(a)}`);
        if (a.attempts === 2) {
          onSlow++;
          assert.ok(onMs < 1400, `on: gave up the hanging attempt early (${Math.round(onMs)} ms)`);
        }
        const t1 = performance.now();
        const b = await call(off, 'ledger', { deadlineMs: 1500 });
        const offMs = performance.now() - t1;
        if (b instanceof RouteError) {
          offSlow++;
          assert.equal(b.cause, 'timeout');
          assert.equal(b.attempts, 1, 'off: the one attempt took the whole deadline');
          assert.ok(offMs >= 1400, `off: waited for the deadline (${Math.round(offMs)} ms)`);
        } else assert.equal(b.attempts, 1);
      }
      assert.ok(onSlow >= 1, 'round robin sent some calls to the hanging endpoint first (on)');
      assert.ok(offSlow >= 1, 'round robin sent some calls to the hanging endpoint first (off), and they failed');
    } finally {
      await scene.close();
    }
  });

  it('watch_idle_timeout off: a silent watch is trusted and the moved ledger is never found', async () => {
    const scene = await startScene({ ledger: ['ledger-1'] });
    try {
      const url = scene.discovery.url;
      const old = scene.upstreams.get('ledger-1')!;
      const base: HardenedTuningInput = { watchIdleTimeoutMs: 600, attemptTimeoutMs: 2000 };
      const on = await hardened(url, base);
      const off = await hardened(url, { ...base, defences: { watch_idle_timeout: false } });
      scene.routers.push(on, off);
      await admin(url, 'PUT', '/__admin/faults/stall_watch', {});
      const moved = await startUpstream('ledger-1-new');
      scene.upstreams.set('ledger-1-new', moved);
      await register(url, 'ledger', 'ledger-1', moved.port);
      await old.close();
      const movedAt = performance.now();
      const endpointOf = (r: RouteResult | RouteError): string => (r instanceof RouteError ? r.cause : r.endpoint);
      await eventually(async () => endpointOf(await call(on)) === `127.0.0.1:${moved.port}`, 10_000, 'on: re-lists and finds the new port', 100);
      assert.ok(on.snapshot().resolution.idleRestarts >= 1);
      while (performance.now() - movedAt < 3000) await new Promise((r) => setTimeout(r, 100));
      assert.equal(off.snapshot().resolution.idleRestarts, 0, 'off: silence never noticed');
      assert.equal(endpointOf(await call(off)), 'connection_refused', 'off: still the dead port');
      await admin(url, 'DELETE', '/__admin/faults/stall_watch');
    } finally {
      await scene.close();
    }
  });

  it('retries off: one attempt per call, a 5xx and a refused connection are not retried', async () => {
    const scene = await startScene({ ledger: ['ledger-1', 'ledger-2'] });
    try {
      const url = scene.discovery.url;
      for (const u of scene.upstreams.values()) u.status = 503;
      const on = await hardened(url, { attemptTimeoutMs: 3000 });
      const off = await hardened(url, { attemptTimeoutMs: 3000, defences: { retries: false } });
      scene.routers.push(on, off);
      const retried = await call(on);
      assert.ok(retried instanceof RouteError);
      assert.equal(retried.attempts, 3);
      const once = await call(off);
      assert.ok(once instanceof RouteError);
      assert.equal(once.cause, 'http_5xx');
      assert.equal(once.attempts, 1);
      assert.equal(off.snapshot().counters.retries, 0);

      // A refused connection: on moves to the live endpoint; off fails at the dead one.
      for (const u of scene.upstreams.values()) u.status = 200;
      await admin(url, 'PUT', '/__admin/faults/dead_endpoints', { service: 'ledger', count: 2 });
      const rr: HardenedTuningInput = { balancer: 'round_robin', attemptTimeoutMs: 3000, ejectAfterFailures: 1000, retryBudgetMinPerSec: 1000 };
      const onRr = await hardened(url, rr);
      const offRr = await hardened(url, { ...rr, defences: { retries: false } });
      scene.routers.push(onRr, offRr);
      const outcomes = { on: [] as string[], off: [] as string[] };
      for (let i = 0; i < 8; i++) {
        for (const [name, router] of [['on', onRr], ['off', offRr]] as const) {
          const r = await call(router);
          outcomes[name].push(r instanceof RouteError ? r.cause : 'ok');
        }
      }
      assert.ok(outcomes.on.every((o) => o === 'ok'), `on: ${outcomes.on.join(',')}`);
      assert.ok(outcomes.off.filter((o) => o === 'connection_refused').length >= 2, `off: ${outcomes.off.join(',')}`);
    } finally {
      await scene.close();
    }
  });

  for (const api of ['endpointslices', 'endpoints'] as const) {
    it(`lenient_parsing off (${api}): a null object elsewhere poisons every service until a list parses; on: only that service`, async () => {
      const scene = await startScene({ ledger: ['ledger-1', 'ledger-2'] });
      try {
        const url = scene.discovery.url;
        await admin(url, 'POST', '/__admin/services', { service: 'current-account' });
        const base: HardenedTuningInput = { attemptTimeoutMs: 3000, discoveryApi: api, relistBackoffMaxMs: 300 };
        const on = await hardened(url, base, ['ledger', 'current-account']);
        const off = await hardened(url, { ...base, defences: { lenient_parsing: false } }, ['ledger', 'current-account']);
        scene.routers.push(on, off);
        for (const router of [on, off]) assert.ok(!((await call(router)) instanceof RouteError));

        await admin(url, 'PUT', '/__admin/faults/null_subsets', { service: 'current-account' });
        await eventually(() => off.snapshot().resolution.state === 'poisoned', 3000, 'off: the null poisons resolution');
        const poisoned = await call(off);
        assert.ok(poisoned instanceof RouteError, 'off: the ledger no longer resolves');
        assert.equal(poisoned.cause, 'discovery_null');
        assert.equal(poisoned.hop, 'processor->discovery');
        assert.equal(poisoned.attempts, 0);
        assert.match(off.snapshot().resolution.error ?? '', /null/);
        await eventually(() => on.snapshot().services['current-account']?.subsets === 'null', 3000, 'on: sees the null');
        assert.ok(!((await call(on)) instanceof RouteError), 'on: the ledger still routes');
        assert.equal(on.snapshot().resolution.state, 'ok');

        await admin(url, 'DELETE', '/__admin/faults/null_subsets?service=current-account');
        await eventually(async () => !((await call(off)) instanceof RouteError), 5000, 'off: a clean list heals it', 50);
        assert.equal(off.snapshot().resolution.state, 'ok');
      } finally {
        await scene.close();
      }
    });
  }
});
