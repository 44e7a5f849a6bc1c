// Request counters both policies keep for the snapshot (plain increments on the hot path).
import type { Cause } from '../common/failure.ts';
import type { RouteError } from './route-error.ts';
import type { RouterCounters } from './types.ts';

export class Counters {
  requests = 0;
  attempts = 0;
  retries = 0;
  retriesDeniedByBudget = 0;
  ejections = 0;
  private readonly failures = new Map<Cause, number>();

  /** Counts a failure by cause and hands the error back, for `throw counters.fail(...)`. */
  fail(error: RouteError): RouteError {
    this.failures.set(error.cause, (this.failures.get(error.cause) ?? 0) + 1);
    return error;
  }

  snapshot(): RouterCounters {
    return {
      requests: this.requests,
      attempts: this.attempts,
      retries: this.retries,
      retriesDeniedByBudget: this.retriesDeniedByBudget,
      ejections: this.ejections,
      failures: Object.fromEntries(this.failures) as Partial<Record<Cause, number>>,
    };
  }
}
