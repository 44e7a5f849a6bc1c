// The ledger processes' configs (FAULTLINE_CONFIG JSON), validated at start with errors naming the field.
import { readServiceConfig } from '../common/serve.ts';
import { z } from 'zod';

export const ledgerStoreConfigSchema = z.object({
  seed: z.number().int().nonnegative().default(1),
  accounts: z.number().int().positive().max(1_000_000).default(1000),
  /** false = the deliberate double-hold defect (checker tests only). */
  idempotency: z.boolean().default(true),
  replica: z.string().min(1).default('ledger-store'),
});
export type LedgerStoreConfig = z.output<typeof ledgerStoreConfigSchema>;

export const ledgerReplicaConfigSchema = z.object({
  replica: z.string().min(1).default('ledger-1'),
  storeUrl: z.url({ protocol: /^https?$/ }),
  /** Deadline for one call to the store. */
  storeTimeoutMs: z.number().int().positive().max(120_000).default(5000),
  /** Keep-alive connections from this replica to the store. */
  storeConnections: z.number().int().positive().max(512).default(32),
  /** Seed for HTTP-fault draws. */
  seed: z.number().int().nonnegative().default(1),
  /** Deliberate defect for checker tests: answer this share of holds (0..100) insufficient_funds, for no reason. */
  decline_holds_percent: z.number().min(0).max(100).default(0),
});
export type LedgerReplicaConfig = z.output<typeof ledgerReplicaConfigSchema>;

/** Parses a config or throws one line naming every bad field. */
/**
 * A process's config from FAULTLINE_CONFIG, or exit 2 with what is wrong on stderr (an entry's first step):
 * JSON that does not parse and a config its schema refuses alike.
 */
export function configOrExit<S extends z.ZodType>(schema: S, service: string): z.output<S> {
  try {
    return parseConfig(schema, readServiceConfig<unknown>(), service);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
}

export function parseConfig<S extends z.ZodType>(schema: S, raw: unknown, service: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new Error(`${service}: bad FAULTLINE_CONFIG: ${problems.join('; ')}`);
}
