// One exchange of a contract check: the request as sent and the answer (or no answer) it got. Its own
// module, below both the client that records exchanges and the checks that judge them.
import type { JsonValue } from '../types.ts';

export interface SentRequest {
  method: string;
  /** Path and query, e.g. `/v1/journal?limit=5`. */
  path: string;
  contentType?: string;
  /** The raw body as sent (absent for none). */
  body?: string;
  /** Which replica it went to (0-based), when the service has several. */
  replica: number;
}

export interface Answer {
  status: number;
  contentType: string;
  /** The body as received (capped; see client.ts). */
  body: string;
  /** The body parsed, when it is JSON. */
  json?: JsonValue;
}

/** No HTTP answer: refused, reset, timed out. */
export interface NoAnswer {
  error: string;
}

export interface Exchange {
  request: SentRequest;
  response: Answer | NoAnswer;
}

export function answered(response: Answer | NoAnswer): response is Answer {
  return 'status' in response;
}
