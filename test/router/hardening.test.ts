// The hardened policy's defences, each against a real failure: ejection of a dead endpoint, retries that
// respect idempotency and the budget, deadlines, and discovery being unreachable.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RouteError, createRouter, type RouteResult, type Router } from '../../services/router/index.ts';
import { admin, eventually } from '../discovery/support.ts';
import { startScene } from './support.ts';

async function attempt(router: Router, idempotent = true, deadlineMs = 8000): Promise<RouteResult | RouteError> {
  try {
    return await router.request('ledger', { method: 'POST', path: '/v1/holds', body: { a: 1 }, idempotent, deadlineMs });
  } catch (err) {
    if (err instanceof RouteError) return err;
    throw err;
  }
}

describe('hardened router defences', () => {
  it('ejects a dead endpoint after consecutive refusals; naive keeps paying for it', async () => {
    const scene = await startScene({ ledger: ['ledger-1'] });
    try {
      const url = scene.discovery.url;
      await admin(url, 'PUT', '/__admin/faults/dead_endpoints', { service: 'ledger', count: 1 });
      const hardened = await createRouter({ policy: 'hardened', discoveryUrl: url, services: ['ledger'], tuning: { balancer: 'round_robin', ejectionMs: 60_000, attemptTimeoutMs: 3000 } });
      const naive = await createRouter({ policy: 'naive', discoveryUrl: url, services: ['ledger'] });
      scene.routers.push(hardened, naive);
      assert.equal(hardened.snapshot().services.ledger?.endpoints.length, 2);

      const hard: RouteResult[] = [];
      const soft: RouteResult[] = [];
      for (let i = 0; i < 40; i++) {
        const h = await attempt(hardened);
        const n = await attempt(naive);
        assert.ok(!(h instanceof RouteError), `hardened: ${String(h)}`);
        assert.ok(!(n instanceof RouteError), `naive: ${String(n)}`);
        hard.push(h);
        soft.push(n);
      }
      const snap = hardened.snapshot();
      assert.ok(snap.counters.ejections >= 1);
      const dead = snap.services.ledger?.endpoints.find((e) => e.name === 'ledger-dead-1');
      assert.equal(dead?.ejected, true);
      assert.ok(
        hard.slice(20).every((r) => r.attempts === 1),
        'once ejected, no request pays a retry',
      );
      assert.ok(soft.slice(20).filter((r) => r.attempts === 2).length >= 5, 'naive retries the dead endpoint forever');
    } finally {
      await scene.close();
    }
  });

  it('5xx: idempotent calls are retried then fail as http_5xx; non-idempotent 5xx are returned; naive returns them', async () => {
    const scene = await startScene({ ledger: ['ledger-1', 'ledger-2'] });
    try {
      const url = scene.discovery.url;
      for (const u of scene.upstreams.values()) u.status = 503;
      const hardened = await createRouter({ policy: 'hardened', discoveryUrl: url, services: ['ledger'], tuning: { attemptTimeoutMs: 3000 } });
      const naive = await createRouter({ policy: 'naive', discoveryUrl: url, services: ['ledger'] });
      scene.routers.push(hardened, naive);

      const retried = await attempt(hardened, true);
      assert.ok(retried instanceof RouteError);
      assert.equal(retried.cause, 'http_5xx');
      assert.equal(retried.hop, 'processor->ledger');
      assert.equal(retried.attempts, 3);
      assert.equal(retried.status, 503);

      const once = await attempt(hardened, false);
      assert.ok(!(once instanceof RouteError));
      assert.equal(once.status, 503);
      assert.equal(once.attempts, 1);

      const naiveAnswer = await attempt(naive, true);
      assert.ok(!(naiveAnswer instanceof RouteError));
      assert.equal(naiveAnswer.status, 503);

      // A 5xx body naming a deeper hop keeps that attribution.
      for (const u of scene.upstreams.values()) u.reply = { error: 'store unreachable', hop: 'ledger->store', cause: 'timeout' };
      const deeper = await attempt(hardened, true);
      assert.ok(deeper instanceof RouteError);
      assert.equal(deeper.hop, 'ledger->store');
      assert.equal(deeper.cause, 'timeout');

      // 4xx is a normal result.
      for (const u of scene.upstreams.values()) {
        u.status = 409;
        u.reply = undefined;
      }
      const conflict = await attempt(hardened, true);
      assert.ok(!(conflict instanceof RouteError));
      assert.equal(conflict.status, 409);
      assert.equal(conflict.attempts, 1);
    } finally {
      await scene.close();
    }
  });

  it('an empty retry budget denies retries', async () => {
    const scene = await startScene({ ledger: ['ledger-1', 'ledger-2'] });
    try {
      for (const u of scene.upstreams.values()) u.status = 500;
      const router = await createRouter({
        policy: 'hardened',
        discoveryUrl: scene.discovery.url,
        services: ['ledger'],
        tuning: { retryBudgetRatio: 0, retryBudgetMinPerSec: 0 },
      });
      scene.routers.push(router);
      const res = await attempt(router, true);
      assert.ok(res instanceof RouteError);
      assert.equal(res.attempts, 1);
      assert.ok(router.snapshot().counters.retriesDeniedByBudget >= 1);
    } finally {
      await scene.close();
    }
  });

  it('bounds each attempt and the whole call by the deadline', async () => {
    const scene = await startScene({ ledger: ['ledger-1', 'ledger-2'] });
    try {
      for (const u of scene.upstreams.values()) u.delayMs = 3000;
      const hardened = await createRouter({ policy: 'hardened', discoveryUrl: scene.discovery.url, services: ['ledger'] });
      scene.routers.push(hardened);
      let start = performance.now();
      const short = await attempt(hardened, true, 300);
      let took = performance.now() - start;
      assert.ok(short instanceof RouteError);
      assert.equal(short.cause, 'timeout');
      assert.equal(short.attempts, 1);
      assert.ok(took >= 280 && took < 2000, `short deadline took ${Math.round(took)} ms`);

      start = performance.now();
      const long = await attempt(hardened, true, 1200);
      took = performance.now() - start;
      assert.ok(long instanceof RouteError);
      assert.equal(long.cause, 'timeout');
      assert.ok(long.attempts >= 2, `${long.attempts} attempts of at most 500 ms`);
      assert.ok(took >= 1100 && took < 3500, `1200 ms deadline took ${Math.round(took)} ms`);

      start = performance.now();
      const unsafe = await attempt(hardened, false, 1200);
      assert.ok(unsafe instanceof RouteError);
      assert.equal(unsafe.attempts, 1, 'a non-idempotent call is not retried after a timeout');
      assert.ok(performance.now() - start < 2000);
    } finally {
      await scene.close();
    }
  });

  it('discovery hanging at start: requests fail as discovery_unavailable, then resolve once it answers', async () => {
    const scene = await startScene({ ledger: ['ledger-1'] });
    try {
      const url = scene.discovery.url;
      await admin(url, 'PUT', '/__admin/faults/hang_api', {});
      const start = performance.now();
      const router = await createRouter({ policy: 'hardened', discoveryUrl: url, services: ['ledger'], startupWaitMs: 500 });
      scene.routers.push(router);
      assert.ok(performance.now() - start < 3000, 'createRouter does not wait for a hung discovery');
      const res = await attempt(router);
      assert.ok(res instanceof RouteError);
      assert.equal(res.cause, 'discovery_unavailable');
      assert.equal(res.hop, 'processor->discovery');
      await admin(url, 'DELETE', '/__admin/faults/hang_api');
      await eventually(async () => !((await attempt(router)) instanceof RouteError), 5000, 'resolves once discovery answers');
    } finally {
      await scene.close();
    }
  });

  it('discovery failing later: both keep the endpoints they have', async () => {
    const scene = await startScene({ ledger: ['ledger-1'] });
    try {
      const url = scene.discovery.url;
      const hardened = await createRouter({ policy: 'hardened', discoveryUrl: url, services: ['ledger'], tuning: { watchIdleTimeoutMs: 600 } });
      const naive = await createRouter({ policy: 'naive', discoveryUrl: url, services: ['ledger'] });
      scene.routers.push(hardened, naive);
      await admin(url, 'PUT', '/__admin/faults/fail_api', { status: 503, percent: 100 });
      await admin(url, 'PUT', '/__admin/faults/stall_watch', {});
      await eventually(() => hardened.snapshot().resolution.state === 'unavailable', 5000, 'hardened notices discovery is failing');
      assert.ok(!((await attempt(hardened)) instanceof RouteError));
      assert.ok(!((await attempt(naive)) instanceof RouteError));
      await admin(url, 'DELETE', '/__admin/faults');
      await eventually(() => hardened.snapshot().resolution.state === 'ok', 5000, 'hardened lists again');
    } finally {
      await scene.close();
    }
  });
});
