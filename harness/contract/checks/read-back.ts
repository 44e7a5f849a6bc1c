// Check 7: read back what every write claimed. The other checks judge each answer on its own; this one asks
// the service afterwards whether the writes it acknowledged are there — and those it refused are not — through
// the routes faultline's checkers read after a run, on every replica: a service that answers `held` and never
// writes one hold in two hundred passes every answer check and fails here, with the write and the read shown.
// Per service: read-back-ledger.ts (a replica or the store), read-back-processor.ts (through the ledger and
// feed behind it), read-back-feed.ts.
import { feedReadBack } from './read-back-feed.ts';
import { ledgerReadBack } from './read-back-ledger.ts';
import { processorReadBack } from './read-back-processor.ts';
import { runRules } from './rule-rows.ts';
import type { CheckContext, CheckResult, ContractCheck } from './types.ts';

export const readBackCheck: ContractCheck = {
  family: 'read-back',
  async run(ctx: CheckContext): Promise<CheckResult[]> {
    const rules = ctx.service === 'card-processor' ? processorReadBack(ctx) : ctx.service === 'feed' ? feedReadBack(ctx) : ledgerReadBack(ctx);
    return runRules(ctx, 'read-back', rules);
  },
};
