// A stand-in for `k6 run --out json=<file> script.ts` in tests (no k6 binary here): the script `faultline export
// k6` writes for a scenario runs under the k6-API shim (test/export/k6-shim.ts: one VU, iteration n started at
// n × the constant-arrival-rate period), and every sample its metrics recorded — with its tags and the VU's
// metadata at that moment — is written as k6 writes its JSON output: a Metric line the first time a metric is
// seen, then one Point line per sample ({"metric","type","data":{"time","value","tags","metadata"}}), by time.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { exportK6 } from '../../harness/export/k6/export.ts';
import { arrivalPeriodMs } from '../../harness/export/k6/render-script.ts';
import type { RequestsFile } from '../../harness/export/k6/requests-file.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import { runUnderShim, type MetricRecord, type SentRequest, type ShimRun } from '../export/k6-shim.ts';

type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

/** Go's time.Time JSON: RFC 3339 with nanoseconds (UTC, as k6 in a container writes it). */
function goTime(epochMs: number): string {
  const iso = new Date(Math.floor(epochMs)).toISOString();
  const nanos = String(Math.round((epochMs % 1000) * 1e6)).padStart(9, '0');
  return `${iso.slice(0, 19)}.${nanos}Z`;
}

/** k6's JSON output, line by line. */
export class K6JsonWriter {
  readonly lines: string[] = [];
  readonly #seen = new Set<string>();
  readonly #types: Record<string, [MetricType, 'default' | 'time']> = {
    faultline_run: ['counter', 'default'],
    faultline_request: ['trend', 'time'],
    http_req_duration: ['trend', 'time'],
    dropped_iterations: ['counter', 'default'],
    vus: ['gauge', 'default'],
  };

  declare(metric: string, type: MetricType, contains: 'default' | 'time'): void {
    this.#types[metric] = [type, contains];
  }

  point(metric: string, value: number, tags: Record<string, string> | null, metadata?: Record<string, string>, at = Date.now()): void {
    if (!this.#seen.has(metric)) {
      this.#seen.add(metric);
      const [type, contains] = this.#types[metric] ?? ['counter', 'default'];
      this.lines.push(JSON.stringify({ type: 'Metric', data: { name: metric, type, contains, thresholds: [], submetrics: null }, metric }));
    }
    const data: Record<string, unknown> = { time: goTime(at), value, tags };
    if (metadata && Object.keys(metadata).length > 0) data.metadata = metadata;
    this.lines.push(JSON.stringify({ metric, type: 'Point', data }));
  }

  async write(file: string): Promise<void> {
    await writeFile(file, this.lines.join('\n') + '\n');
  }
}

const TYPE: Record<MetricRecord['type'], MetricType> = { Counter: 'counter', Gauge: 'gauge', Rate: 'rate', Trend: 'trend' };

/**
 * k6's built-in samples of one HTTP request (http_reqs, http_req_duration), with the system tags k6 gives them
 * (method, url, name, status, proto, expected_response, error_code when there was one) and the request's own tags.
 */
function httpSamples(r: SentRequest): Array<{ metric: string; value: number; time: number; tags: Record<string, string>; metadata: Record<string, string> }> {
  const tags: Record<string, string> = {
    method: r.method,
    url: r.url,
    name: r.url,
    status: String(r.status),
    proto: r.status === 0 ? '' : 'HTTP/1.1',
    expected_response: String(r.status >= 200 && r.status < 400),
    group: '',
    ...r.tags,
  };
  if (r.error_code) tags.error_code = String(r.error_code);
  return [
    { metric: 'http_reqs', value: 1, time: r.at, tags, metadata: {} },
    { metric: 'http_req_duration', value: r.duration_ms, time: r.at, tags, metadata: {} },
  ];
}

/** What the shim's metrics and requests recorded, as k6's JSON output (every sample also carries k6's scenario tag). */
export function k6Output(run: ShimRun, scenarioName: string): K6JsonWriter {
  const k6 = new K6JsonWriter();
  k6.declare('http_reqs', 'counter', 'default');
  const samples = Object.entries(run.metrics).flatMap(([metric, record]) => {
    k6.declare(metric, TYPE[record.type], record.isTime ? 'time' : 'default');
    return record.samples.map((s) => ({ metric, ...s }));
  });
  samples.push(...run.sent.flatMap(httpSamples));
  samples.sort((a, b) => a.time - b.time);
  for (const s of samples) {
    const value = typeof s.value === 'boolean' ? Number(s.value) : s.value;
    k6.point(s.metric, value, { scenario: 'payments', faultline_scenario: scenarioName, ...s.tags }, s.metadata, s.time);
  }
  return k6;
}

export interface SendOptions {
  processorUrl: string;
  feedUrl: string;
  out: string;
  /** Run as a k6 older than 0.45 (no sample metadata): the script puts every per-request field in the tags. */
  noMetadata?: boolean;
}

/** Exports the scenario for k6, runs every request of it under the shim at its pace, and writes the JSON output. */
export async function sendAsK6(scenario: Scenario, options: SendOptions): Promise<{ requests: number; file: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-k6-send-'));
  const exported = await exportK6(scenario, { outDir: dir, parallelism: 1, baseUrl: options.processorUrl, feedUrl: options.feedUrl });
  const requests = (JSON.parse(await readFile(exported.files.requests, 'utf8')) as RequestsFile).requests.length;
  const pace = arrivalPeriodMs(exported.executor);
  if (pace === null) throw new Error('sendAsK6 paces constant-arrival-rate exports only');
  const run = await runUnderShim({ dir, iterations: Array.from({ length: requests }, (_, i) => i), paceMs: pace, timeoutMs: 120_000, ...(options.noMetadata ? { noMetadata: true } : {}) });
  if (run.sent.length !== requests) throw new Error(`the script sent ${run.sent.length} requests, not ${requests}`);
  await k6Output(run, scenario.name).write(options.out);
  return { requests, file: options.out };
}
