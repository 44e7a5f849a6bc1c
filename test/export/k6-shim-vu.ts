// The VU side of the k6-API SHIM (not k6: k6 cannot be installed here). k6-shim.ts transpiles this file to
// CommonJS and runs it in a worker thread, where it evaluates the exported script (also transpiled) with
// stand-ins for 'k6', 'k6/http', 'k6/execution', 'k6/metrics' and 'k6/data', then calls its setup() once
// (when it has one) and its default function once per requested iteration, each at its place in a
// constant-arrival-rate schedule when `paceMs` is given (one VU: a slow answer delays the next ones). k6's http calls are synchronous; here each one is posted to the
// main thread, which does the real HTTP request, while this thread blocks in Atomics.wait. (The embedded
// pipeline's proxies live on the main thread's event loop, so the blocking must happen on another thread.)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

export interface ShimRequest {
  method: 'GET' | 'POST';
  url: string;
  body: string | null;
  headers: Record<string, string>;
  timeoutMs: number;
  tags: Record<string, string>;
}

export interface ShimResponse {
  status: number;
  body: string | null;
  error: string;
  error_code: number;
  duration_ms: number;
}

export interface MetricSample {
  value: number | boolean;
  /** Epoch ms when it was added. */
  time: number;
  /** The VU's tags (exec.vu.metrics.tags) with the ones given to add() over them, as strings. */
  tags: Record<string, string>;
  /** The VU's metadata (exec.vu.metrics.metadata) when it was added, as strings. */
  metadata: Record<string, string>;
}

export interface MetricRecord {
  type: 'Counter' | 'Rate' | 'Trend' | 'Gauge';
  isTime: boolean;
  /** Every value added, in order (booleans for a Rate). */
  values: Array<number | boolean>;
  /** The same, with when and how each was tagged. */
  samples: MetricSample[];
}

export interface CheckRecord {
  passes: number;
  fails: number;
}

export interface VuResult {
  options: unknown;
  metrics: Record<string, MetricRecord>;
  checks: Record<string, CheckRecord>;
}

export interface VuData {
  code: string;
  dir: string;
  env: Record<string, string>;
  iterations: number[];
  /** Iteration n starts n × paceMs after the scenario's start (constant-arrival-rate), or at once when absent. */
  paceMs?: number;
  /** Emulate a k6 older than 0.45: no exec.vu.metrics (no sample metadata). */
  noMetadata?: boolean;
  /** [state, length] as Int32, then the response bytes. */
  shared: SharedArrayBuffer;
}

export const SHARED_HEADER_BYTES = 8;

function parseTimeout(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
    if (m) return Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1);
  }
  return 60_000;
}

function run(data: VuData): VuResult {
  const port = parentPort;
  if (!port) throw new Error('the shim VU must run in a worker');
  const state = new Int32Array(data.shared, 0, 2);
  const bytes = new Uint8Array(data.shared, SHARED_HEADER_BYTES);
  const metrics: Record<string, MetricRecord> = {};
  const checks: Record<string, CheckRecord> = {};
  let iteration = -1;
  let startTime = Date.now();
  const vuMetrics = { tags: {} as Record<string, unknown>, metadata: {} as Record<string, unknown> };
  const strings = (o: Record<string, unknown>): Record<string, string> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
  const sleepMs = (ms: number): void => {
    if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  };

  const request = (req: ShimRequest): ShimResponse => {
    Atomics.store(state, 0, 0);
    port.postMessage({ type: 'http', request: req });
    const outcome = Atomics.wait(state, 0, 0, req.timeoutMs + 30_000);
    if (outcome === 'timed-out') throw new Error(`shim: no answer for ${req.method} ${req.url}`);
    const length = Atomics.load(state, 1);
    const res = JSON.parse(Buffer.from(bytes.subarray(0, length)).toString('utf8')) as ShimResponse;
    return res;
  };

  const k6Response = (res: ShimResponse) => ({
    status: res.status,
    body: res.body,
    error: res.error,
    error_code: res.error_code,
    headers: {},
    timings: { duration: res.duration_ms, blocked: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: res.duration_ms, receiving: 0 },
    json(selector?: string): unknown {
      const value = JSON.parse(res.body ?? 'null') as unknown;
      if (!selector) return value;
      return selector.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
    },
  });

  type Params = { headers?: Record<string, string>; timeout?: string | number; tags?: Record<string, string> } | null | undefined;
  const send = (method: 'GET' | 'POST', url: string, body: string | null, params: Params) =>
    k6Response(request({ method, url, body, headers: params?.headers ?? {}, timeoutMs: parseTimeout(params?.timeout), tags: params?.tags ?? {} }));

  class Metric {
    constructor(
      readonly name: string,
      isTime = false,
    ) {
      metrics[name] = { type: this.kind(), isTime, values: [], samples: [] };
    }
    kind(): MetricRecord['type'] {
      return 'Gauge';
    }
    add(value: number | boolean, tags?: Record<string, string>): void {
      const record = metrics[this.name] as MetricRecord;
      record.values.push(value);
      record.samples.push({ value, time: Date.now(), tags: { ...strings(vuMetrics.tags), ...(tags ?? {}) }, metadata: strings(vuMetrics.metadata) });
    }
  }
  class Counter extends Metric {
    override kind(): MetricRecord['type'] {
      return 'Counter';
    }
  }
  class Rate extends Metric {
    override kind(): MetricRecord['type'] {
      return 'Rate';
    }
    override add(value: number | boolean, tags?: Record<string, string>): void {
      super.add(Boolean(value), tags);
    }
  }
  class Trend extends Metric {
    override kind(): MetricRecord['type'] {
      return 'Trend';
    }
  }
  class SharedArray {
    constructor(_name: string, load: () => unknown[]) {
      // A constructor returning an object makes `new` return it: k6's SharedArray reads like an array too.
      return load() as unknown as SharedArray;
    }
  }

  const modules: Record<string, unknown> = {
    k6: {
      check(value: unknown, sets: Record<string, (v: unknown) => boolean>): boolean {
        let all = true;
        for (const [name, fn] of Object.entries(sets)) {
          const ok = Boolean(fn(value));
          const record = (checks[name] ??= { passes: 0, fails: 0 });
          if (ok) record.passes++;
          else record.fails++;
          all &&= ok;
        }
        return all;
      },
      sleep(seconds: number): void {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
      },
      group<T>(_name: string, fn: () => T): T {
        return fn();
      },
      fail(message?: string): never {
        throw new Error(message ?? 'fail()');
      },
    },
    'k6/http': {
      __esModule: true,
      default: {
        post: (url: string, body: string | null, params?: Params) => send('POST', url, body ?? null, params),
        get: (url: string, params?: Params) => send('GET', url, null, params),
      },
    },
    'k6/execution': {
      __esModule: true,
      default: {
        scenario: {
          get iterationInTest(): number {
            return iteration;
          },
          get startTime(): number {
            return startTime;
          },
        },
        vu: data.noMetadata ? {} : { metrics: vuMetrics },
      },
    },
    'k6/metrics': { Counter, Rate, Trend, Gauge: Metric },
    'k6/data': { SharedArray },
  };

  const requireShim = (name: string): unknown => {
    if (!(name in modules)) throw new Error(`shim: the script imports ${name}, which the shim does not provide`);
    return modules[name];
  };
  const open = (file: string): string => readFileSync(path.resolve(data.dir, file), 'utf8');
  const moduleShim = { exports: {} as Record<string, unknown> };
  const wrapper = vm.runInThisContext(`(function (exports, require, module, open, __ENV, __VU, __ITER) {${data.code}\n})`, {
    filename: path.join(data.dir, 'script.js'),
  }) as (...args: unknown[]) => void;
  wrapper(moduleShim.exports, requireShim, moduleShim, open, data.env, 1, 0);

  const main = moduleShim.exports.default;
  if (typeof main !== 'function') throw new Error('shim: the script has no default function');
  const setup = moduleShim.exports.setup;
  if (typeof setup === 'function') (setup as () => void)();
  startTime = Date.now();
  for (const n of data.iterations) {
    iteration = n;
    if (data.paceMs !== undefined) sleepMs(startTime + n * data.paceMs - Date.now());
    (main as () => void)();
  }
  return { options: moduleShim.exports.options, metrics, checks };
}

if (!isMainThread && parentPort) {
  try {
    parentPort.postMessage({ type: 'done', result: run(workerData as VuData) });
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: (err as Error).message, stack: (err as Error).stack });
  }
}
