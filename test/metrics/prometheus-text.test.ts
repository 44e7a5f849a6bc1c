// The strict exposition parser the metrics tests rely on: it reads prom-client's output, and refuses what
// a Prometheus server would refuse or misread (so "it parses" means something).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ExpositionError, parseExposition, total } from '../support/prometheus-text.ts';

test('parses a registry with counters, gauges, histograms and escaped label values', async () => {
  const registry = new Registry();
  const c = new Counter({ name: 'a_total', help: 'help with \\ and\nnewline', labelNames: ['x'], registers: [registry] });
  c.inc({ x: 'quote " backslash \\ newline \n end' }, 2);
  c.inc({ x: 'plain' });
  new Gauge({ name: 'g', help: 'g', registers: [registry] }).set(-1.5e-3);
  const h = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['p'], buckets: [0.1, 1], registers: [registry] });
  h.observe({ p: 'a' }, 0.05);
  h.observe({ p: 'a' }, 5);
  const f = parseExposition(await registry.metrics());
  assert.equal(f.get('a_total')?.help, 'help with \\ and\nnewline');
  assert.equal(total(f, 'a_total', { x: 'quote " backslash \\ newline \n end' }), 2);
  assert.equal(total(f, 'g'), -0.0015);
  assert.equal(f.get('h_seconds')?.type, 'histogram');
  assert.equal(total(f, 'h_seconds_bucket', { p: 'a', le: '+Inf' }), 2);
  assert.equal(total(f, 'h_seconds_count'), 2);
});

const BAD: Array<[string, string, RegExp]> = [
  ['no final line feed', 'a 1', /line feed/],
  ['a bad metric name', '1a 1\n', /metric name/],
  ['an unquoted label', 'a{x=1} 1\n', /not quoted/],
  ['a bad escape', 'a{x="\\t"} 1\n', /bad escape/],
  ['a label twice', 'a{x="1",x="2"} 1\n', /twice/],
  ['a value that is no number', 'a 1,5\n', /not a number/],
  ['a bad timestamp', 'a 1 soon\n', /timestamp/],
  ['a second TYPE', '# TYPE a counter\n# TYPE a gauge\na 1\n', /second TYPE/],
  ['TYPE after samples', 'a 1\n# TYPE a gauge\n', /after its samples/],
  ['an unknown type', '# TYPE a meter\n', /unknown type/],
  ['a family split', 'a{x="1"} 1\nb 1\na{x="2"} 1\n', /consecutive/],
  ['a series twice', 'a{x="1",y="2"} 1\na{y="2",x="1"} 1\n', /twice/],
  ['a negative counter', '# TYPE a_total counter\na_total -1\n', /below zero/],
  [
    'buckets that are not cumulative',
    '# TYPE h histogram\nh_bucket{le="1"} 3\nh_bucket{le="2"} 2\nh_bucket{le="+Inf"} 3\nh_sum 1\nh_count 3\n',
    /counts fewer/,
  ],
  ['a +Inf bucket that is not _count', '# TYPE h histogram\nh_bucket{le="+Inf"} 3\nh_sum 1\nh_count 4\n', /not _count/],
  ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 3\nh_sum 1\nh_count 3\n', /\+Inf/],
];

for (const [what, text, reason] of BAD) {
  test(`refuses ${what}`, () => {
    assert.throws(() => parseExposition(text), (err: Error) => err instanceof ExpositionError && reason.test(err.message));
  });
}
