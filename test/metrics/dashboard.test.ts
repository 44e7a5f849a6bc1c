// The Grafana dashboard in dashboards/ reads faultline's metrics: it is valid JSON with a Prometheus
// data-source variable every panel uses; every query (panels, annotations, variables) parses with the
// Prometheus project's own PromQL grammar (@prometheus-io/lezer-promql), and every metric it selects is one
// the registry exposes; a misspelled name, a broken query or a panel off the variable is caught. The
// scrape example targets /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parser } from '@prometheus-io/lezer-promql';
import { seriesNames } from '../../harness/metrics/catalog.ts';

const FILE = new URL('../../dashboards/faultline-run.json', import.meta.url);

interface Target {
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  title: string;
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: unknown }> };
  annotations: { list: Array<{ name: string; expr?: string; datasource?: { uid?: string } }> };
}

/** Every query of the dashboard, with where it is. */
function queries(d: Dashboard): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  const walk = (panels: Panel[]): void => {
    for (const p of panels) {
      for (const t of p.targets ?? []) out.push({ where: `panel "${p.title}"`, expr: t.expr ?? '' });
      walk(p.panels ?? []);
    }
  };
  walk(d.panels);
  for (const a of d.annotations.list) if (a.expr !== undefined) out.push({ where: `annotation "${a.name}"`, expr: a.expr });
  for (const v of d.templating.list) {
    const q = typeof v.query === 'string' ? v.query : (v.query as { query?: string } | null)?.query;
    if (v.type === 'query' && q) out.push({ where: `variable ${v.name}`, expr: q });
  }
  return out;
}

/** A query as Prometheus gets it (Grafana's range variables resolved); `label_values(q, l)` is Grafana's, around q. */
function promql(expr: string): string {
  const grafana = /^\s*label_values\((.*),\s*\w+\s*\)\s*$/.exec(expr);
  return (grafana ? grafana[1] : expr).replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '1m');
}

/** The parse errors of a query, and the metric names its selectors name. */
function readQuery(expr: string): { errors: number; metrics: string[] } {
  const text = promql(expr);
  let errors = 0;
  const metrics: string[] = [];
  parser.parse(text).iterate({
    enter: (node) => {
      if (node.type.isError) errors++;
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') metrics.push(text.slice(node.from, node.to));
    },
  });
  return { errors, metrics };
}

/** What is wrong with a dashboard: queries that do not parse, unknown metrics, panels off the Prometheus variable. */
function problems(d: Dashboard, known: Set<string>): string[] {
  const bad: string[] = [];
  const ds = d.templating.list.find((v) => v.type === 'datasource');
  if (!ds || ds.query !== 'prometheus') bad.push('no Prometheus data-source variable');
  const uid = ds ? `\${${ds.name}}` : '';
  const walk = (panels: Panel[]): void => {
    for (const p of panels) {
      if (p.type !== 'row') {
        if (p.datasource?.uid !== uid) bad.push(`panel "${p.title}" does not use the data-source variable`);
        if (!p.targets?.length) bad.push(`panel "${p.title}" has no query`);
        for (const t of p.targets ?? []) if (t.datasource && t.datasource.uid !== uid) bad.push(`a query of "${p.title}" does not use the data-source variable`);
      }
      walk(p.panels ?? []);
    }
  };
  walk(d.panels);
  for (const { where, expr } of queries(d)) {
    const { errors, metrics } = readQuery(expr);
    if (errors > 0) bad.push(`${where}: not PromQL (${errors} parse errors): ${expr}`);
    if (metrics.length === 0) bad.push(`${where}: selects no metric: ${expr}`);
    for (const name of metrics) if (!known.has(name)) bad.push(`${where}: ${name} is no metric faultline exposes`);
    // A faultline_* name anywhere else in the text (say, in a matcher) is checked too.
    for (const name of expr.match(/\bfaultline_[a-zA-Z0-9_:]+/g) ?? []) if (!known.has(name)) bad.push(`${where}: ${name} is no metric faultline exposes`);
  }
  return bad;
}

test('the dashboard is valid JSON; every panel uses the Prometheus variable; every query is PromQL selecting metrics faultline exposes', () => {
  const dashboard = JSON.parse(readFileSync(FILE, 'utf8')) as Dashboard;
  const known = seriesNames();
  assert.deepEqual(problems(dashboard, known), []);
  const used = new Set(queries(dashboard).flatMap((q) => q.expr.match(/\bfaultline_[a-zA-Z0-9_:]+/g) ?? []));
  // What the issue asks the dashboard to show.
  for (const name of [
    'faultline_authorizations_total',
    'faultline_authorization_latency_seconds_bucket',
    'faultline_fault_active',
    'faultline_invariant_valid',
    'faultline_ledger_attempts_total',
    'faultline_standin_total',
    'faultline_run_info',
  ]) {
    assert.ok(used.has(name), `the dashboard reads ${name}`);
  }
  assert.ok(dashboard.annotations.list.some((a) => a.expr?.includes('faultline_fault_active')), 'fault windows as annotations');
  assert.ok(queries(dashboard).every((q) => !q.expr.includes('faultline_authorizations_total') || q.expr.includes('phase')), 'authorization queries choose their phase (warm-up left out)');
});

test('a misspelled metric, a query that is not PromQL or a panel off the variable is caught', () => {
  const known = seriesNames();
  const text = readFileSync(FILE, 'utf8');
  const misspelled = JSON.parse(text.replace('faultline_fault_active', 'faultline_faults_active')) as Dashboard;
  assert.ok(problems(misspelled, known).some((p) => p.includes('faultline_faults_active is no metric')));
  const unbalanced = JSON.parse(text.replace('sum by (outcome) (rate(', 'sum by (outcome) (rate((')) as Dashboard;
  assert.ok(problems(unbalanced, known).some((p) => p.includes('not PromQL')));
  const badMatcher = JSON.parse(text.replaceAll('phase!=\\"warmup\\"', 'phase!warmup')) as Dashboard;
  assert.ok(problems(badMatcher, known).some((p) => p.includes('not PromQL')));
  const fixedSource = JSON.parse(text) as Dashboard;
  fixedSource.panels[1].datasource = { type: 'prometheus', uid: 'my-prometheus' };
  assert.ok(problems(fixedSource, known).some((p) => p.includes('does not use the data-source variable')));
});

test('the scrape example scrapes /metrics on loopback', () => {
  const config = parse(readFileSync(new URL('../../dashboards/prometheus.example.yml', import.meta.url), 'utf8')) as {
    scrape_configs: Array<{ job_name: string; metrics_path: string; static_configs: Array<{ targets: string[] }> }>;
  };
  const job = config.scrape_configs[0];
  assert.equal(job.metrics_path, '/metrics');
  assert.match(job.static_configs[0].targets[0], /^127\.0\.0\.1:\d+$/);
});
