// The feed process's config (FAULTLINE_CONFIG).
import { z } from 'zod';

export const feedConfigSchema = z.object({
  replica: z.string().min(1).default('feed-1'),
  seed: z.number().int().nonnegative().default(1),
  accounts: z.number().int().positive().max(1_000_000).default(1000),
  /** Deliberate defect for checker tests: silently drop this share of events (0..100). */
  miss_events_percent: z.number().min(0).max(100).default(0),
});
export type FeedConfig = z.output<typeof feedConfigSchema>;
