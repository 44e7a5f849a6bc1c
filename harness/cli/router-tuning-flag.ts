// `--router-tuning <key=value,...>` on `faultline run` (repeatable; comma-separated pairs): switch defences of
// the hardened router off (`ejection=off`) or set its knobs (`attempt_timeout_ms=300`), over the scenario's own
// `topology.router_tuning`, the flag winning defence by defence. A bad key or value is a UsageError (exit 2).
import { parseRouterTuning, parseRouterTuningText, RouterTuningError, type RouterTuning } from '../../services/router/tuning-override.ts';
import { UsageError } from './exit-codes.ts';

export function routerTuningFlag(raw: unknown): RouterTuning | undefined {
  if (raw === undefined) return undefined;
  const values = Array.isArray(raw) ? raw.map(String) : [String(raw)];
  try {
    return parseRouterTuning(parseRouterTuningText(values));
  } catch (err) {
    if (err instanceof RouterTuningError) throw new UsageError(`--router-tuning ${err.message}`);
    throw err;
  }
}
