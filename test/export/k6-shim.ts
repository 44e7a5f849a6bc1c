// A small k6-API SHIM for tests: k6 cannot be installed here, so this runs an exported script.ts the way
// k6 would run one VU — the init code once, then the default function per iteration — with stand-ins for
// http.post/get, check, sleep, Counter/Rate/Trend, SharedArray, open() and exec.scenario.iterationInTest.
// It is not k6: no executor, no thresholds evaluation, no pacing. The VU runs in a worker (k6-shim-vu.ts)
// whose synchronous http calls are served here with fetch, and every request is recorded.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import ts from 'typescript';
import { SHARED_HEADER_BYTES, type ShimRequest, type ShimResponse, type VuData, type VuResult } from './k6-shim-vu.ts';

export type { MetricRecord, MetricSample, VuResult } from './k6-shim-vu.ts';

const VU_SOURCE = fileURLToPath(new URL('./k6-shim-vu.ts', import.meta.url));
const RESPONSE_CAPACITY = 4 * 1024 * 1024;

export interface SentRequest extends ShimRequest {
  status: number;
  responseBody: string | null;
  /** Epoch ms when the answer (or the error) came; the request's duration in ms; k6's error code (0 none). */
  at: number;
  duration_ms: number;
  error_code: number;
}

export interface ShimRun extends VuResult {
  sent: SentRequest[];
}

export interface ShimRunOptions {
  /** The export folder (script.ts and requests.json). */
  dir: string;
  /** __ENV for the script. */
  env?: Record<string, string>;
  /** exec.scenario.iterationInTest of each call of the default function; [] runs the init code only. */
  iterations: number[];
  /** Start iteration n at n × paceMs after the start, as constant-arrival-rate schedules it (one VU, in order). */
  paceMs?: number;
  /** Run as a k6 older than 0.45 would: exec.vu.metrics (sample metadata) does not exist. */
  noMetadata?: boolean;
  /** Bound on the whole run. */
  timeoutMs?: number;
}

/** TypeScript → CommonJS, types stripped, as k6's esbuild step strips them. */
export function toCommonJs(source: string, fileName: string): string {
  const out = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, verbatimModuleSyntax: false },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new Error(`${fileName}: ${ts.flattenDiagnosticMessageText(errors[0]?.messageText ?? '', '\n')}`);
  return out.outputText;
}

async function fetchFor(req: ShimRequest): Promise<ShimResponse> {
  const started = performance.now();
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body ?? undefined,
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    const body = await res.text();
    return { status: res.status, body, error: '', error_code: res.status >= 400 ? 1000 + res.status : 0, duration_ms: performance.now() - started };
  } catch (err) {
    // k6's error codes: 1050 request timeout, 1212 connection refused, 1220 reset by peer, 1000 anything else.
    const e = err as Error & { cause?: { code?: string } };
    const code = e.cause?.code ?? '';
    const errorCode = e.name === 'TimeoutError' ? 1050 : code === 'ECONNREFUSED' ? 1212 : code === 'ECONNRESET' ? 1220 : 1000;
    return { status: 0, body: null, error: e.message, error_code: errorCode, duration_ms: performance.now() - started };
  }
}

/** Runs the script's iterations under the shim; resolves with what it recorded. */
export async function runUnderShim(options: ShimRunOptions): Promise<ShimRun> {
  const scriptFile = path.join(options.dir, 'script.ts');
  const code = toCommonJs(await readFile(scriptFile, 'utf8'), scriptFile);
  const vuCode = toCommonJs(await readFile(VU_SOURCE, 'utf8'), VU_SOURCE);
  const shared = new SharedArrayBuffer(SHARED_HEADER_BYTES + RESPONSE_CAPACITY);
  const state = new Int32Array(shared, 0, 2);
  const bytes = new Uint8Array(shared, SHARED_HEADER_BYTES);
  const data: VuData = { code, dir: options.dir, env: options.env ?? {}, iterations: options.iterations, shared, ...(options.paceMs !== undefined ? { paceMs: options.paceMs } : {}), ...(options.noMetadata ? { noMetadata: true } : {}) };
  const worker = new Worker(vuCode, { eval: true, workerData: data });
  const sent: SentRequest[] = [];
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await new Promise<VuResult>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the shim run did not finish within ${timeoutMs} ms`)), timeoutMs);
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the shim VU exited (${code}) before finishing`)));
      worker.on('message', (message: { type: string; request?: ShimRequest; result?: VuResult; message?: string; stack?: string }) => {
        if (message.type === 'done' && message.result) resolve(message.result);
        else if (message.type === 'error') reject(new Error(`the script failed under the shim: ${message.stack ?? message.message}`));
        else if (message.type === 'http' && message.request) {
          const req = message.request;
          void fetchFor(req).then((res) => {
            sent.push({ ...req, status: res.status, responseBody: res.body, at: Date.now(), duration_ms: res.duration_ms, error_code: res.error_code });
            const encoded = Buffer.from(JSON.stringify(res), 'utf8');
            if (encoded.length > RESPONSE_CAPACITY) throw new Error(`a response of ${encoded.length} bytes does not fit the shim's buffer`);
            bytes.set(encoded);
            Atomics.store(state, 1, encoded.length);
            Atomics.store(state, 0, 1);
            Atomics.notify(state, 0);
          }).catch(reject);
        }
      });
    });
    return { ...result, sent };
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
