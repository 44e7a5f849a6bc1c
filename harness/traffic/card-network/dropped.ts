// The record of a request the load model could not send (its in-flight cap was reached): counted as
// dropped, never silently skipped. An authorization that was never sent has failed.
import type { HistoryRecord } from '../../history/record.ts';
import type { SendTiming } from '../load/send-timing.ts';
import type { PlannedRequest } from '../requests/planned-request.ts';

export function droppedRecord(req: PlannedRequest, timing: SendTiming, faults: string[]): HistoryRecord {
  const base = {
    intended_ms: timing.intended_ms,
    sent_ms: timing.sent_ms,
    latency_ms: 0,
    status: 0,
    faults,
    late: timing.late,
    dropped: true,
  };
  switch (req.kind) {
    case 'authorization': {
      const b = req.body;
      return {
        id: b.id,
        kind: 'authorization',
        account_id: b.account_id,
        amount: b.amount.value,
        currency: b.amount.currency,
        card_last4: b.card.last4,
        outcome: 'failed',
        error: { hop: 'network->processor', cause: 'other' },
        ...base,
      };
    }
    case 'reversal': {
      const b = req.body;
      return {
        id: b.id,
        kind: 'reversal',
        account_id: b.account_id,
        authorization_id: b.authorization_id,
        amount: b.amount.value,
        currency: b.amount.currency,
        outcome: 'error',
        error: { hop: 'network->processor', cause: 'other' },
        ...base,
      };
    }
    case 'conflicting_retry': {
      const b = req.body;
      return { id: b.id, kind: 'conflicting_retry', account_id: b.account_id, amount: b.amount.value, currency: b.amount.currency, outcome: 'error', reason: 'unanswered', error: { hop: 'network->processor', cause: 'other' }, ...base };
    }
    default:
      return { id: req.id, kind: req.kind, account_id: req.account_id, outcome: 'error', error: { hop: 'app->feed', cause: 'other' }, ...base };
  }
}
