// The bench's own arithmetic: schedule keeping, fault activation with misses, the exit rule, the table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScheduleKeeping } from '../../bench/schedule-keeping.ts';
import { nearestRank, scoreActivations } from '../../bench/activation-score.ts';
import { parseBenchArgs, BenchUsageError } from '../../bench/args.ts';
import { exitCode, missedTargets, type BenchResult } from '../../bench/result.ts';
import { benchMarkdown } from '../../bench/markdown.ts';
import { figure } from '../../bench/figure.ts';

describe('bench: schedule keeping', () => {
  it('a schedule kept to the millisecond has no rate error', () => {
    const k = new ScheduleKeeping({ fromS: 1, toS: 4 });
    for (let ms = 0; ms < 4000; ms++) k.sent(ms, ms + 0.5);
    const r = k.result();
    assert.equal(r.sends, 3000, 'only sends intended in [1 s, 4 s) are measured');
    assert.equal(r.seconds, 3);
    assert.equal(r.lateness_ms.p50, 0.5);
    assert.equal(r.worst?.error_pct, 0);
  });

  it('a stall that pushes sends across a second boundary shows in the worst second', () => {
    const k = new ScheduleKeeping({ fromS: 1, toS: 4 });
    // 1,000/s; the sends due in [1950, 2000) ms all leave at 2,030 ms (a 50–80 ms stall).
    for (let ms = 0; ms < 4000; ms++) k.sent(ms, ms >= 1950 && ms < 2000 ? 2030 : ms);
    const r = k.result();
    assert.equal(r.worst?.second, 1);
    assert.equal(r.worst?.sent, 950);
    assert.equal(r.worst?.scheduled, 1000);
    assert.equal(r.worst?.error_pct, 5);
    assert.equal(r.lateness_ms.max, 80);
  });

  it('dropped arrivals are scheduled but never sent', () => {
    const k = new ScheduleKeeping({ fromS: 0, toS: 1 });
    for (let ms = 0; ms < 1000; ms++) {
      if (ms % 10 === 0) k.dropped(ms);
      else k.sent(ms, ms);
    }
    const r = k.result();
    assert.equal(r.dropped, 100);
    assert.equal(r.worst?.error_pct, 10);
  });

  it('rejects a window that is not whole seconds', () => {
    assert.throws(() => new ScheduleKeeping({ fromS: 2, toS: 2 }));
    assert.throws(() => new ScheduleKeeping({ fromS: 0.5, toS: 2 }));
  });
});

describe('bench: fault activation', () => {
  const windows = Array.from({ length: 20 }, (_, i) => ({ name: `w${i}`, start_ms: 1000 + i * 1000, end_ms: 1500 + i * 1000 }));

  it('is the time from scheduled start to the first affected send inside the window', () => {
    const sends = windows.flatMap((w) => [
      { sent_ms: w.start_ms - 10, affected: true }, // before the window: not this window's
      { sent_ms: w.start_ms + 1, affected: false },
      { sent_ms: w.start_ms + 2, affected: true },
    ]);
    const s = scoreActivations(windows, sends);
    assert.equal(s.misses, 0);
    assert.deepEqual(new Set(s.activations_ms), new Set([2]));
    assert.equal(s.p99_ms, 2);
  });

  it('a window that never took effect is a miss, counted as infinite, not dropped', () => {
    const sends = windows.slice(1).map((w) => ({ sent_ms: w.start_ms + 1, affected: true }));
    // Window 0 only slows a request after its scheduled end: it never took effect in time.
    sends.push({ sent_ms: 1600, affected: true });
    const s = scoreActivations(windows, sends);
    assert.equal(s.windows, 20);
    assert.equal(s.misses, 1);
    assert.equal(s.activations_ms[0], Number.POSITIVE_INFINITY);
    assert.equal(s.p99_ms, Number.POSITIVE_INFINITY, 'with 20 windows the p99 is the worst one');
    const f = figure(s.p99_ms, 'ms', '< 50', s.p99_ms < 50);
    assert.equal(f.value, null);
    assert.equal(f.met, false);
  });

  it('nearest rank over values with Infinity', () => {
    assert.equal(nearestRank([3, 1, 2], 50), 2);
    assert.equal(nearestRank([1, Number.POSITIVE_INFINITY], 99), Number.POSITIVE_INFINITY);
    assert.ok(Number.isNaN(nearestRank([], 99)));
  });
});

describe('bench: arguments, exit code, table', () => {
  it('parses sections, --quick, --out and refuses a quick or partial snapshot', () => {
    assert.deepEqual(parseBenchArgs(['report', '--quick', '--out', 'x']), { quick: true, snapshot: false, out: 'x', sections: ['report'], help: false });
    assert.deepEqual(parseBenchArgs(['--out=y']).out, 'y');
    assert.deepEqual(parseBenchArgs([]).sections, ['proxy', 'load', 'pipeline', 'check', 'report']);
    assert.deepEqual(parseBenchArgs(['report', 'load']).sections, ['load', 'report'], 'bench order');
    assert.equal(parseBenchArgs(['--snapshot']).snapshot, true);
    for (const bad of [['--snapshot', '--quick'], ['--snapshot', 'load'], ['--out'], ['--bogus'], ['bogus']]) {
      assert.throws(() => parseBenchArgs(bad), BenchUsageError, bad.join(' '));
    }
  });

  it('exits 1 when a target is missed or a section failed, and says which', () => {
    const figures = { 'a.ok': figure(1, 'ms', '< 2', true), 'b.slow': figure(3, 'ms', '< 2', false), 'c.never': figure(Infinity, 'ms', '< 50', false) };
    const missed = missedTargets(figures);
    assert.deepEqual(missed, ['b.slow = 3 ms, target < 2', 'c.never = ∞ ms, target < 50']);
    assert.equal(exitCode({ missed, errors: [] }), 1);
    assert.equal(exitCode({ missed: [], errors: ['load: exited with 1'] }), 1);
    assert.equal(exitCode({ missed: [], errors: [] }), 0);

    const result: BenchResult = {
      machine: { cores: 2, cpu: 'x', memory_gib: 1, node: 'v20', platform: 'linux' },
      quick: false,
      at: '2026-01-02T03:04:05.000Z',
      seconds: 1,
      sections: ['load'],
      figures: { ...figures, 'd.noted': figure(1, 's', 'reported', true, 'what it times') },
      missed,
      errors: [],
    };
    const md = benchMarkdown(result);
    assert.match(md, /\| `c\.never` \| ∞ ms \| < 50 \| \*\*no\*\* \|/);
    assert.match(md, /- b\.slow = 3 ms, target < 2/);
    assert.match(md, /- `d\.noted`: what it times/);
  });
});
