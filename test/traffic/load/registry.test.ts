// The load-model registry: every model a scenario can name is registered under that name and runs through
// the one LoadModel interface, answering in one result shape; a name nobody registered is refused,
// naming the known ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { seedAccounts } from '../../../services/common/accounts.ts';
import { LOAD_MODELS } from '../../../harness/summary/types.ts';
import type { TrafficSpec } from '../../../harness/scenario/schema.ts';
import { loadModel, UnknownLoadModelError } from '../../../harness/traffic/load/registry.ts';
import type { LoadRun } from '../../../harness/traffic/load/load-model.ts';
import type { SendTiming } from '../../../harness/traffic/load/send-timing.ts';
import type { PlannedRequest } from '../../../harness/traffic/requests/planned-request.ts';
import type { ReplayPlan } from '../../../harness/traffic/requests/replay.ts';
import { requestSource } from '../../../harness/traffic/requests/source.ts';
import { sleep, traffic, within } from '../helpers.ts';

const accounts = seedAccounts(7, 50);

test('an unknown model name is refused, naming the known ones', () => {
  for (const name of ['ramping-arrival', '', 'Open', 'toString', '__proto__']) {
    assert.throws(
      () => loadModel(name),
      (err: Error) => err instanceof UnknownLoadModelError && err.message === `unknown load model "${name}"; the known ones: open, closed`,
      name,
    );
  }
});

test('every model a scenario can name is registered under that name', () => {
  for (const name of LOAD_MODELS) assert.equal(loadModel(name).name, name);
});

/** One run's description, its sends kept; each send settles after `answerMs`. */
function describeRun(spec: TrafficSpec, o: { replay?: ReplayPlan; warmupMs: number; untilMs: number; answerMs: number; signal?: AbortSignal }) {
  const sends: Array<{ req: PlannedRequest; timing: SendTiming }> = [];
  const run: LoadRun = {
    requests: requestSource({ seed: 7, traffic: spec, accounts, warmupS: o.warmupMs / 1000, replay: o.replay ?? null }),
    send: async (req, timing) => {
      sends.push({ req, timing });
      await sleep(o.answerMs);
    },
    drop: () => assert.fail('nothing is dropped under the in-flight cap'),
    traffic: spec,
    t0: performance.now() + o.warmupMs,
    window: { fromMs: -o.warmupMs, untilMs: o.untilMs },
    drainTimeoutMs: 2000,
    signal: o.signal,
    onTick: () => {},
  };
  return { run, sends };
}

test('the open model sends the schedule through the interface: its rate, warm-up included, the mix it holds', async () => {
  const spec = traffic({ model: 'open', rate: 100, duration_s: 0.6 });
  const { run, sends } = describeRun(spec, { warmupMs: 200, untilMs: 600, answerMs: 5 });
  const result = await within(10_000, loadModel('open').run(run));
  assert.deepEqual(
    { model: result.model, target_rate: result.target_rate, dropped: result.dropped, aborted: result.aborted, measured_s: result.measured_s },
    { model: 'open', target_rate: 100, dropped: 0, aborted: false, measured_s: 0.6 },
  );
  assert.equal(result.sent, sends.length, 'sent counts every request handed to send');
  assert.equal(sends.length, 80, '0.8 s of schedule at 100/s, the warm-up first');
  assert.ok(sends[0]!.timing.intended_ms < 0 && sends.at(-1)!.timing.intended_ms < 600);
  assert.deepEqual(result.request_kinds, ['authorization', 'reversal', 'balance', 'feed']);
  assert.equal(loadModel('open').achievedRateFrom, 'history');
});

test('the closed model sends authorizations as answers come, and counts the measured part itself', async () => {
  const spec = traffic({ model: 'closed', connections: 2 });
  const { run, sends } = describeRun(spec, { warmupMs: 100, untilMs: 400, answerMs: 10 });
  const result = await within(10_000, loadModel('closed').run(run));
  assert.deepEqual(
    { model: result.model, target_rate: result.target_rate, dropped: result.dropped, aborted: result.aborted, measured_s: result.measured_s, kinds: result.request_kinds },
    { model: 'closed', target_rate: 0, dropped: 0, aborted: false, measured_s: 0.4, kinds: ['authorization'] },
  );
  assert.ok(sends.every((s) => s.req.kind === 'authorization'));
  assert.equal(result.sent, sends.filter((s) => s.timing.intended_ms >= 0).length, 'sent is the measured part');
  assert.ok(result.sent > 0 && result.sent < sends.length, 'the warm-up sent too');
  assert.ok(result.achieved_rate > 0);
  assert.equal(loadModel('closed').achievedRateFrom, 'model');
  assert.equal(loadModel('closed').checkOffered, undefined, 'it paces itself: no rate to refuse');
});

/** A recorded schedule of `n` authorizations 10 ms apart from t = 0. */
function recording(n: number): ReplayPlan {
  const stream = requestSource({ seed: 7, traffic: traffic(), accounts, warmupS: 0, replay: null }).authorizations();
  const requests = Array.from({ length: n }, (_, i): PlannedRequest => ({ ...(stream.next().value as PlannedRequest), offset_ms: i * 10 }));
  return {
    info: { file: 'recorded.jsonl', requests: n, kinds: { authorization: n, reversal: 0, balance: 0, feed: 0, conflicting_retry: 0 }, first_offset_ms: 0, last_offset_ms: (n - 1) * 10 },
    speed: 1,
    duration_ms: (n - 1) * 10,
    [Symbol.iterator]: () => requests[Symbol.iterator](),
  };
}

test('a recording that ends early keeps the run to its window; Ctrl-C ends it there, measured to that moment', async () => {
  const spec = traffic({ model: 'open', rate: 100 });
  const full = describeRun(spec, { replay: recording(5), warmupMs: 0, untilMs: 500, answerMs: 1 });
  const result = await within(10_000, loadModel('open').run(full.run));
  assert.ok(performance.now() - full.run.t0 >= 495, 'held to the end of the window');
  assert.deepEqual([result.sent, result.aborted, result.measured_s, result.request_kinds], [5, false, 0.5, ['authorization']]);

  const controller = new AbortController();
  const cut = describeRun(spec, { replay: recording(5), warmupMs: 0, untilMs: 5000, answerMs: 1, signal: controller.signal });
  setTimeout(() => controller.abort(), 200);
  const stopped = await within(10_000, loadModel('open').run(cut.run));
  const at = performance.now() - cut.run.t0;
  assert.equal(stopped.aborted, true);
  assert.ok(stopped.measured_s >= 0.19 && stopped.measured_s <= at / 1000 + 0.001 && at < 4000, `measured ${stopped.measured_s} s, stopped at ${at} ms`);
});
