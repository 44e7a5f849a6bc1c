// The exported script's options.thresholds against faultline's own: every translatable threshold (a
// whole-run rate, p(N) trend or count on a metric the script records) with the same metric and the same
// expression, on a metric the script really creates with the right k6 type; nothing extra; and every
// untranslatable one listed, with its reason, in the script's header and in the README.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportK6 } from '../../harness/export/k6/export.ts';
import { translateThresholds } from '../../harness/export/k6/thresholds.ts';
import { parseThresholds, type ParsedThreshold } from '../../harness/gate/thresholds.ts';
import { catalogNames, loadScenario } from '../../harness/scenario/load.ts';
import { runUnderShim } from './k6-shim.ts';

/** What the script records, by faultline metric name, and the k6 type an aggregation needs. */
const RECORDED = new Set(['authorization_success_rate', 'issuer_success_rate', 'approval_rate', 'authorization_latency', 'app_success_rate', 'authorizations_failed']);
const typeFor = (t: ParsedThreshold): string => (t.aggregation === 'rate' ? 'Rate' : t.aggregation === 'count' ? 'Counter' : 'Trend');
const translatable = (t: ParsedThreshold): boolean => RECORDED.has(t.spec.name) && t.tags.phase === undefined && t.tags.fault === undefined;

interface Exported {
  /** The scenario's own thresholds. */
  thresholds: Record<string, string[]>;
  options: { thresholds?: Record<string, string[]> };
  metrics: Record<string, { type: string }>;
  script: string;
  readme: string;
}

describe('exported thresholds match faultline\'s', () => {
  let dir = '';
  const exported = new Map<string, Exported>();

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faultline-k6-thresholds-'));
    for (const name of await catalogNames()) {
      const { scenario } = await loadScenario(name);
      const out = path.join(dir, name);
      await exportK6(scenario, { outDir: out, parallelism: 2, baseUrl: 'http://127.0.0.1:9' });
      // The init code only (no iteration): k6's options as the script exports them, and the metrics it creates.
      const run = await runUnderShim({ dir: out, iterations: [], timeoutMs: 30_000 });
      exported.set(name, {
        thresholds: scenario.thresholds,
        options: run.options as Exported['options'],
        metrics: run.metrics,
        script: await readFile(path.join(out, 'script.ts'), 'utf8'),
        readme: await readFile(path.join(out, 'README.md'), 'utf8'),
      });
    }
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('baseline: every threshold translates, verbatim', () => {
    const e = exported.get('baseline') as Exported;
    assert.deepEqual(e.options.thresholds, {
      authorization_success_rate: ['rate>0.999'],
      authorization_latency: ['p(99)<500'],
      app_success_rate: ['rate>0.999'],
    });
    assert.match(e.script, /Every threshold of the scenario is in options\.thresholds/);
  });

  test('ledger-latency: the whole-run rate translates; the phase-tagged latency and recovery time are listed, with why', () => {
    const e = exported.get('ledger-latency') as Exported;
    assert.deepEqual(e.options.thresholds, { authorization_success_rate: ['rate>0.99'] });
    for (const [metric, expression, why] of [
      ['authorization_latency{phase:during}', 'p(99)<2100', /phase/],
      ['recovery_seconds{fault:ledger-latency}', 'value<10', /recovery time/],
    ] as const) {
      assert.ok(e.script.includes(`//   ${metric}: ${expression}`), `script header lists ${metric}`);
      assert.ok(e.readme.includes(`\`${metric}\`: \`${expression}\``), `README lists ${metric}`);
      const reason = translateThresholds({ [metric]: [expression] }).untranslated[0]?.reason ?? '';
      assert.match(reason, why);
    }
  });

  test('every catalog scenario: same metric and expression for the translatable ones, each on a metric the script records', () => {
    for (const [name, e] of exported) {
      const faultline = parseThresholds(e.thresholds);
      const expected: Record<string, string[]> = {};
      for (const t of faultline.filter(translatable)) (expected[t.key] ??= []).push(t.expression);
      assert.deepEqual(e.options.thresholds ?? {}, expected, `${name}: options.thresholds`);
      for (const t of faultline.filter(translatable)) {
        assert.equal(e.metrics[t.key]?.type, typeFor(t), `${name}: ${t.key} is a ${typeFor(t)} the script creates`);
      }
      for (const t of faultline.filter((x) => !translatable(x))) {
        assert.ok(e.script.includes(`//   ${t.key}: ${t.expression}`), `${name}: script header lists ${t.key}`);
        assert.ok(e.readme.includes(`\`${t.key}\`: \`${t.expression}\``), `${name}: README lists ${t.key}`);
      }
    }
  });

  test('every faultline metric: translated or listed with a reason', () => {
    const all = {
      authorization_success_rate: ['rate>0.99'],
      issuer_success_rate: ['rate>0.9'],
      approval_rate: ['rate>0.8'],
      authorization_latency: ['p(95)<300', 'max<2000'],
      app_success_rate: ['rate>0.99'],
      authorizations_failed: ['count<5'],
      authorizations_unknown: ['count==0'],
      'approval_rate{phase:during}': ['rate>0.5'],
      load_error_pct: ['value<1'],
      retry_amplification: ['value<1.5'],
      'recovery_seconds{fault:x}': ['value<10'],
      'authorization_success_rate{phase:after}': ['rate>0.99'],
    };
    const { k6, untranslated } = translateThresholds(all);
    assert.deepEqual(k6, {
      authorization_success_rate: ['rate>0.99'],
      issuer_success_rate: ['rate>0.9'],
      approval_rate: ['rate>0.8'],
      authorization_latency: ['p(95)<300', 'max<2000'],
      app_success_rate: ['rate>0.99'],
      authorizations_failed: ['count<5'],
    });
    assert.deepEqual(
      untranslated.map((u) => u.metric),
      ['authorizations_unknown', 'approval_rate{phase:during}', 'load_error_pct', 'retry_amplification', 'recovery_seconds{fault:x}', 'authorization_success_rate{phase:after}'],
    );
    for (const u of untranslated) assert.ok(u.reason.length > 40, `${u.metric} has a reason`);
  });
});
