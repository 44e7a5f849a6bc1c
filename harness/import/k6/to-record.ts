// A request the k6 script sent, as the HistoryRecord faultline's own card network would have written for it
// with stand-in off (the script has none): the same outcome table (card-network.ts), through the same reading
// of the answer (answers.ts failureOf). What k6 cannot see is taken the cautious way: k6 does not say whether a
// request reached the socket before a timeout or a reset, so such an authorization is `unknown` (it may have
// been held) and is resolved against the ledger after the run, as faultline resolves its own unknowns.
import type { Cause } from '../../../services/common/failure.ts';
import type { HistoryRecord } from '../../history/record.ts';
import { failureOf } from '../../traffic/card-network/answers.ts';
import type { HttpResult } from '../../traffic/card-network/http-client.ts';
import type { RequestFacts } from './request-facts.ts';

/** A send later than this after its schedule is `late` (the aggregator's lateness tolerance). */
export const LATE_TOLERANCE_MS = 10;

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * k6's error code (https://grafana.com/docs/k6/latest/javascript-api/error-codes/) as faultline's cause, and
 * whether the request may have been written: only a failure to connect at all (DNS, dial, TLS) proves it was not.
 */
export function k6Failure(code: number | undefined): { cause: Cause; written: boolean } {
  if (code === undefined) return { cause: 'other', written: true };
  if (code === 1050) return { cause: 'timeout', written: true };
  if (code === 1211) return { cause: 'timeout', written: false };
  if (code === 1212) return { cause: 'connection_refused', written: false };
  if (code === 1220 || code === 1201) return { cause: 'reset', written: true };
  if ((code >= 1100 && code < 1200) || code === 1210 || code === 1213 || (code >= 1300 && code < 1400)) return { cause: 'other', written: false };
  return { cause: 'other', written: true };
}

/** The answer as the driver's HTTP client would have handed it over. */
function httpResult(f: RequestFacts): HttpResult {
  if (f.status === 0) return { status: 0, body: undefined, ...k6Failure(f.error_code), baseUrl: '' };
  let body: unknown;
  if (f.hop !== undefined && f.cause !== undefined) body = { error: '', hop: f.hop, cause: f.cause, ...(f.attempts !== undefined ? { attempts: f.attempts } : {}) };
  return { status: f.status, body, written: true, baseUrl: '' };
}

export interface RecordContext {
  /** Names of the scenario's fault windows scheduled at a time (ms from t = 0). */
  faultsAt(ms: number): string[];
}

export function toHistoryRecord(f: RequestFacts, ctx: RecordContext): HistoryRecord {
  const intended = f.intended ?? f.sent;
  const base = {
    id: f.id,
    account_id: f.account,
    intended_ms: round3(intended),
    sent_ms: round3(f.sent),
    latency_ms: round3(f.latency),
    status: f.status,
    faults: ctx.faultsAt(intended),
    late: f.intended !== null && f.sent - f.intended > LATE_TOLERANCE_MS,
  };
  const ok = f.status >= 200 && f.status < 300;
  switch (f.kind) {
    case 'authorization': {
      const record: HistoryRecord = { ...base, kind: 'authorization', amount: f.amount, currency: f.currency, card_last4: f.last4, outcome: 'failed' };
      if (ok && f.decision !== undefined) {
        record.outcome = f.decision;
        record.issuer_decision = f.decision;
        if (f.reason !== undefined) record.reason = f.reason;
        if (f.decision === 'declined' && f.token !== undefined) record.card_token = f.token;
        if (f.attempts !== undefined) record.attempts = f.attempts;
        return record;
      }
      const failure = failureOf(httpResult(f), 'network->processor');
      record.error = failure.error;
      if (failure.attempts !== undefined) record.attempts = failure.attempts;
      // Stand-in off: no usable answer is unknown when the issuer may have acted on it, else failed.
      record.outcome = failure.standIn && failure.ambiguous ? 'unknown' : 'failed';
      return record;
    }
    case 'reversal': {
      const record: HistoryRecord = {
        ...base,
        kind: 'reversal',
        authorization_id: f.authorization_id,
        amount: f.amount,
        currency: f.currency,
        outcome: ok ? 'ok' : 'error',
      };
      if (ok) {
        if (f.result !== undefined) record.reason = f.result;
      } else {
        const failure = failureOf(httpResult(f), 'network->processor');
        record.error = failure.error;
        if (failure.attempts !== undefined) record.attempts = failure.attempts;
      }
      return record;
    }
    default: {
      const record: HistoryRecord = { ...base, kind: f.kind, outcome: ok ? 'ok' : 'error' };
      if (!ok) record.error = failureOf(httpResult(f), 'app->feed').error;
      return record;
    }
  }
}

/** The scenario's fault windows at their schedule: the names active at `ms` (ms from t = 0). */
export function scheduledFaults(windows: readonly { name: string; start_s: number; end_s: number }[]): (ms: number) => string[] {
  const sorted = [...windows].sort((a, b) => a.start_s - b.start_s);
  return (ms) => {
    const s = ms / 1000;
    const out: string[] = [];
    for (const w of sorted) {
      if (w.start_s > s) break;
      if (s < w.end_s) out.push(w.name);
    }
    return out;
  };
}
