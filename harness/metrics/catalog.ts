// Every series name faultline can expose (a run's and `faultline up`'s), histograms expanded to their
// _bucket, _sum and _count: what a dashboard or an alert may query.
import { Registry } from 'prom-client';
import { defineAdviceMetrics, defineFaultMetrics, defineReplicaMetrics, defineRunMetrics, defineUpMetrics } from './definitions.ts';

export interface CatalogEntry {
  name: string;
  type: string;
  help: string;
}

export function metricCatalog(): CatalogEntry[] {
  const registry = new Registry();
  defineRunMetrics(registry);
  defineFaultMetrics(registry, [], () => null);
  defineAdviceMetrics(registry, () => null);
  defineReplicaMetrics(registry, () => null);
  defineUpMetrics(registry, () => Promise.resolve(null));
  return registry.getMetricsAsArray().map((m) => ({ name: m.name, type: String(m.type), help: m.help }));
}

/** The names a query may use: histograms as their three series. */
export function seriesNames(): Set<string> {
  const names = new Set<string>();
  for (const m of metricCatalog()) {
    if (m.type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${m.name}${suffix}`);
    else names.add(m.name);
  }
  return names;
}
