// The capacity probe (the bench's `pipeline.*` figures): how many authorizations a card processor can
// decide per second. autocannon keeps `connections` x `pipelining` authorizations in flight straight at
// POST /v1/authorizations and sends the next as soon as one is answered, so the rate is whatever the
// pipeline sustains. Each request gets a fresh body from the seeded generator (setupRequest). Success =
// a 2xx whose body is an issuer decision (approved or declined): a decline is a business answer.
// It bypasses the card network (no issuer deadline, stand-in, advices or history records): it measures
// throughput, not what happens to payments. A run's closed model (`--model closed`) is closed-loop.ts.
import autocannon from 'autocannon';
import type { AccountSeed } from '../../../services/common/accounts.ts';
import type { TrafficSpec } from '../../scenario/schema.ts';
import type { LatencySummary } from '../../summary/types.ts';
import { authorizationStream } from '../requests/generator.ts';
import { LatencyHistogram } from '../../history/latency.ts';

export interface CapacityProbeOptions {
  /** Base URL of the card processor (or its proxy). */
  url: string;
  seed: number;
  traffic: TrafficSpec;
  accounts: readonly AccountSeed[];
  /** Defaults: traffic.connections, traffic.pipelining, traffic.duration_s. */
  connections?: number;
  pipelining?: number;
  durationS?: number;
  /** Per-request timeout in seconds (default 10). */
  timeoutS?: number;
  /** Authorization id prefix (default `cap`, so capacity ids never collide with a plan's `auth-` ids). */
  idPrefix?: string;
  signal?: AbortSignal;
}

export interface CapacityProbeResult {
  /** Answers received (any status). */
  requests: number;
  requests_per_s: number;
  /** Answers that were an issuer decision (2xx approved / declined). */
  success: number;
  /** success / (answers + connection errors and timeouts). */
  success_share: number;
  /** Issuer decisions per second: the capacity figure. */
  success_per_s: number;
  latency_ms: LatencySummary;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration_s: number;
  connections: number;
  pipelining: number;
  /** Distinct authorization bodies generated. */
  bodies: number;
}

const DECISION = /"decision"\s*:\s*"(approved|declined)"/;

/** Runs autocannon against POST /v1/authorizations with varied bodies; resolves when it finishes. */
export function runCapacityProbe(opts: CapacityProbeOptions): Promise<CapacityProbeResult> {
  const connections = opts.connections ?? opts.traffic.connections;
  const pipelining = opts.pipelining ?? opts.traffic.pipelining;
  const duration = opts.durationS ?? opts.traffic.duration_s;
  const bodies = authorizationStream({ seed: opts.seed, traffic: opts.traffic, accounts: opts.accounts, idPrefix: opts.idPrefix ?? 'cap' });
  const latency = new LatencyHistogram();
  let generated = 0;
  let answers = 0;
  let success = 0;

  return new Promise<CapacityProbeResult>((resolve, reject) => {
    let settled = false;
    const instance = autocannon(
      {
        url: opts.url,
        connections,
        pipelining,
        duration,
        timeout: opts.timeoutS ?? 10,
        requests: [
          {
            method: 'POST',
            path: '/v1/authorizations',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => {
              generated++;
              return { ...request, body: JSON.stringify(bodies.next().value) };
            },
            onResponse: (status, body) => {
              answers++;
              if (status >= 200 && status < 300 && DECISION.test(body)) success++;
            },
          },
        ],
      },
      (err, result) => {
        opts.signal?.removeEventListener('abort', stop);
        if (settled) return;
        settled = true;
        if (err) return reject(err);
        const attempts = answers + result.errors;
        const seconds = result.duration > 0 ? result.duration : duration;
        resolve({
          requests: answers,
          requests_per_s: Math.round((answers / seconds) * 10) / 10,
          success,
          success_share: attempts > 0 ? success / attempts : 0,
          success_per_s: Math.round((success / seconds) * 10) / 10,
          latency_ms: latency.summary(),
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          duration_s: seconds,
          connections,
          pipelining,
          bodies: generated,
        });
      },
    );
    // The tracker emits (client, statusCode, bytes, responseTime ms) for every answer.
    (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      latency.record(responseTime);
    });
    const stop = (): void => {
      instance.stop();
    };
    if (opts.signal?.aborted) stop();
    else opts.signal?.addEventListener('abort', stop, { once: true });
  });
}
