// The idempotency claim of each request the network sends: its key (the network's id) and the fields that
// define the operation, flattened to the dotted paths the client sent, so a refused reuse names them
// (`amount.value`, `merchant.name`). The ledger store keeps the first use of every key (see
// services/ledger/idempotency-keys.ts for the rule and where it comes from).
//
// The network's ids are one space, whatever the route: an advice or a reversal that reuses an authorization's
// id is another use of that id, refused 409 `idempotency_conflict` (a reversal that reused an approved
// authorization's id and released it would free money the network still counts as held). So every claim is
// made in the ledger's `authorization` scope (the scope of the network's transaction ids) and names its
// `operation` among the compared fields: the same id on another route differs in `operation`.
const NETWORK_IDS = 'authorization' as const;
import type { IdempotencyClaim } from '../ledger/contract.ts';
import type { AdviceRequest, AuthorizationRequest, ReversalRequest } from './contract.ts';

export function authorizationClaim(auth: AuthorizationRequest): IdempotencyClaim {
  return {
    scope: NETWORK_IDS,
    key: auth.id,
    fields: {
      operation: 'authorization',
      account_id: auth.account_id,
      'amount.value': auth.amount.value,
      'amount.currency': auth.amount.currency,
      'card.token': auth.card.token,
      'card.last4': auth.card.last4,
      'merchant.name': auth.merchant.name,
      'merchant.mcc': auth.merchant.mcc,
      'merchant.country': auth.merchant.country,
      channel: auth.channel,
    },
  };
}

export function adviceClaim(advice: AdviceRequest): IdempotencyClaim {
  return {
    scope: NETWORK_IDS,
    key: advice.id,
    fields: {
      operation: 'advice',
      authorization_id: advice.authorization_id,
      account_id: advice.account_id,
      'amount.value': advice.amount.value,
      'amount.currency': advice.amount.currency,
      'card.token': advice.card.token,
      'card.last4': advice.card.last4,
      'merchant.name': advice.merchant.name,
      'merchant.mcc': advice.merchant.mcc,
      'merchant.country': advice.merchant.country,
      channel: advice.channel,
    },
  };
}

export function reversalClaim(reversal: ReversalRequest): IdempotencyClaim {
  return {
    scope: NETWORK_IDS,
    key: reversal.id,
    fields: {
      operation: 'reversal',
      authorization_id: reversal.authorization_id,
      account_id: reversal.account_id,
      'amount.value': reversal.amount.value,
      'amount.currency': reversal.amount.currency,
    },
  };
}

/** A claim's content as one string (fields are built in a fixed order), to compare in-flight duplicates. */
export function contentOf(claim: IdempotencyClaim): string {
  return JSON.stringify(claim.fields);
}
