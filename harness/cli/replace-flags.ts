// The replacement flags of `faultline run` and `faultline up`, checked before anything starts (exit 2
// naming the flag): `--replace <service>=<command>` and `--replace-url <service>=<url>` put the user's
// own service in a mock's place, `--replicas <service>=<n>` sets how many replicas a service has (a
// command replacement is started that many times). Each is repeatable, one service per use.
import { REPLACEABLE_SERVICES, replacementSchema, type Replacement, type Replacements } from '../scenario/schema.ts';
import { isReplaceable, isScaled, SCALED_SERVICES, type ScaledService } from '../scenario/replacements.ts';
import { SERVICES } from '../../services/catalogue.ts';
import { UsageError } from './exit-codes.ts';

export interface ReplaceFlagValues {
  replace?: unknown;
  replaceUrl?: unknown;
  replicas?: unknown;
}

export interface ReplaceFlags {
  replace: Replacements;
  replicas: Partial<Record<ScaledService, number>>;
}

/** Commander's collector for a repeatable flag. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function list(raw: unknown): string[] {
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw.map(String) : [String(raw)];
}

/** `ledger=node x.js` -> ['ledger', 'node x.js']; a UsageError naming the flag when it is not that shape. */
function pair(flag: string, shape: string, raw: string): [string, string] {
  const at = raw.indexOf('=');
  const key = at === -1 ? '' : raw.slice(0, at).trim();
  const value = at === -1 ? '' : raw.slice(at + 1).trim();
  if (!key || !value) throw new UsageError(`${flag} must be ${shape}, got "${raw}"`);
  return [key, value];
}

function replacement(flag: string, service: string, input: { command: string } | { url: string }): Replacement {
  if (!isReplaceable(service)) {
    throw new UsageError(`${flag}: "${service}" is not a service faultline can replace; one of ${REPLACEABLE_SERVICES.join(', ')}`);
  }
  const parsed = replacementSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(`${flag} ${service}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** Parses the flags; `scenario` is the loaded scenario's own `replace:` block, for conflicts with --replicas. */
export function replaceFlags(o: ReplaceFlagValues, scenario: Replacements = {}): ReplaceFlags {
  const replace: Replacements = {};
  const add = (flag: string, service: string, r: Replacement): void => {
    if (isReplaceable(service) && replace[service]) throw new UsageError(`${flag}: ${service} is replaced twice; give one --replace or --replace-url per service`);
    if (isReplaceable(service)) replace[service] = r;
  };
  for (const raw of list(o.replace)) {
    const [service, command] = pair('--replace', '<service>=<command>, e.g. ledger="node my-ledger.js"', raw);
    add('--replace', service, replacement('--replace', service, { command }));
  }
  for (const raw of list(o.replaceUrl)) {
    const [service, url] = pair('--replace-url', '<service>=<url>, e.g. card-processor=http://127.0.0.1:9000', raw);
    add('--replace-url', service, replacement('--replace-url', service, { url }));
  }
  return { replace, replicas: replicaCounts(list(o.replicas), { ...scenario, ...replace }) };
}

function replicaCounts(raws: string[], replace: Replacements): Partial<Record<ScaledService, number>> {
  const counts: Partial<Record<ScaledService, number>> = {};
  for (const raw of raws) {
    const [service, value] = pair('--replicas', '<service>=<n>, e.g. ledger=3', raw);
    if (!isScaled(service)) {
      throw new UsageError(`--replicas: "${service}" does not scale; one of ${SCALED_SERVICES.join(', ')} (the ledger store is the one state owner)`);
    }
    const n = Number(value);
    const max = SERVICES[service].scaled.max;
    if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--replicas ${service} must be an integer from 1 to ${max}, got "${value}"`);
    if (replace[service]?.url !== undefined && n !== 1) throw new UsageError(`--replicas ${service}=${n}: ${service} is replaced by a URL, which is one replica`);
    counts[service] = n;
  }
  return counts;
}
