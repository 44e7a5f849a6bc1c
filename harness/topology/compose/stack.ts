// What the compose stack holds, read from compose/: the replicas docker-compose.yml (and an override file)
// define, the Toxiproxy proxies in toxiproxy.json, and how a scenario's topology maps onto them.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';
import { catalogueReplicas, serviceEntry, SERVICE_NAMES, SERVICES, type DiscoveryName, type ServiceDefects } from '../../../services/catalogue.ts';
import type { TopologySpec } from '../../scenario/schema.ts';
import type { ServiceName } from '../types.ts';
import { TopologyError } from '../errors.ts';

export const COMPOSE_DIR = fileURLToPath(new URL('../../../compose/', import.meta.url));
export const COMPOSE_FILE = path.join(COMPOSE_DIR, 'docker-compose.yml');
/** A user's replacements (see compose/docker-compose.override.example.yml); used when it exists. */
export const OVERRIDE_FILE = path.join(COMPOSE_DIR, 'docker-compose.override.yml');
export const TOXIPROXY_CONFIG = path.join(COMPOSE_DIR, 'toxiproxy.json');

/** Every mock service listens on this port inside its container. */
export const SERVICE_PORT = 8080;
export const TOXIPROXY_API_PORT = 8474;
/** Host name of the Toxiproxy container on the compose network. */
export const TOXIPROXY_HOST = 'toxiproxy';
/** Listen ports for proxies that move ("restart on a new port"); docker-compose.yml publishes this range. */
export const SPARE_PROXY_PORTS: readonly number[] = Array.from({ length: 20 }, (_, i) => 26400 + i);

export class ComposeStackError extends TopologyError {
  override name = 'ComposeStackError';
}

const proxyConfigSchema = z.strictObject({
  name: z.string().min(1),
  listen: z.string().regex(/^[^:]+:\d+$/),
  upstream: z.string().regex(/^[^:]+:\d+$/),
  enabled: z.boolean().default(true),
});
export type ProxyConfig = z.output<typeof proxyConfigSchema>;

export function readProxyConfig(file = TOXIPROXY_CONFIG): ProxyConfig[] {
  const parsed = z.array(proxyConfigSchema).safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new ComposeStackError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function listenPort(proxy: { listen: string }): number {
  return Number(proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1));
}

/** The compose files to pass, in merge order: the stock file, then the user's override when present. */
export function defaultComposeFiles(): string[] {
  return existsSync(OVERRIDE_FILE) ? [COMPOSE_FILE, OVERRIDE_FILE] : [COMPOSE_FILE];
}

const composeFileSchema = z.looseObject({
  services: z.record(z.string(), z.unknown()).default({}),
  'x-faultline': z
    .strictObject({
      /** Replica name -> host:port Toxiproxy forwards to instead of the container. */
      upstreams: z.record(z.string(), z.string().regex(/^[^:/\s]+:\d+$/, 'host:port')).default({}),
    })
    .optional(),
});

export interface ComposeFilesSummary {
  /** Every service name the files define. */
  services: Set<string>;
  /** Replicas replaced by an address outside the stack (x-faultline.upstreams), later files win. */
  upstreams: Map<string, string>;
}

export function readComposeFiles(files: readonly string[]): ComposeFilesSummary {
  const services = new Set<string>();
  const upstreams = new Map<string, string>();
  for (const file of files) {
    const parsed = composeFileSchema.safeParse(YAML.parse(readFileSync(file, 'utf8'), { merge: true }) ?? {});
    if (!parsed.success) throw new ComposeStackError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    for (const name of Object.keys(parsed.data.services)) services.add(name);
    for (const [replica, address] of Object.entries(parsed.data['x-faultline']?.upstreams ?? {})) upstreams.set(replica, address);
  }
  return { services, upstreams };
}

export interface StackReplica {
  /** Replica name = compose service name = Toxiproxy proxy name: `ledger-1`. */
  name: string;
  service: ServiceName;
  /** Registered in discovery under this name (the processors resolve `ledger` and `feed`); null if not. */
  discoveryService: DiscoveryName | null;
  /** The proxy in front of it, when proxies are on (listen inside the Toxiproxy container). */
  proxy: ProxyConfig | null;
  /** Set when the user replaced the container by an address (x-faultline.upstreams): no container runs. */
  external: string | null;
}

export interface StackPlan {
  replicas: StackReplica[];
  /** The compose services to start: containers only (Toxiproxy included). */
  services: string[];
  /** What to populate Toxiproxy with. */
  proxies: ProxyConfig[];
}

/**
 * Maps a scenario's topology onto the stack: the replicas the catalogue plans (services/catalogue.ts, as the
 * embedded mode does), each a compose service of its own name. Throws naming the field when the scenario
 * asks for more replicas than the compose files define, or a replica has no proxy in toxiproxy.json.
 */
export function planStack(spec: TopologySpec, files: ComposeFilesSummary, proxyConfig: readonly ProxyConfig[]): StackPlan {
  for (const needed of ['toxiproxy', ...SERVICE_NAMES.filter((s) => SERVICES[s].scaled === null)]) {
    if (!files.services.has(needed)) throw new ComposeStackError(`the compose files define no "${needed}" service`);
  }
  const proxies = new Map(proxyConfig.map((p) => [p.name, p]));
  const replicas = catalogueReplicas(spec).map(({ name, service }): StackReplica => {
    const entry = serviceEntry(service);
    const base = { name, service, discoveryService: entry.discoveryName };
    if (!entry.scaled) return { ...base, proxy: entry.proxied && spec.proxies ? (proxies.get(name) ?? null) : null, external: null };
    const field = entry.scaled.field;
    if (!files.services.has(name)) {
      const defined = [...files.services].filter((s) => new RegExp(`^${service}-\\d+$`).test(s)).sort();
      throw new ComposeStackError(
        `topology.${field} is ${spec[field]}, but the compose files define ${defined.length} ${service} replica(s) (${defined.join(', ') || 'none'}): ` +
          `lower topology.${field} for --mode compose, or add "${name}" to compose/docker-compose.override.yml and a proxy for it to compose/toxiproxy.json`,
      );
    }
    const proxy = proxies.get(name) ?? null;
    if (spec.proxies && entry.proxied && !proxy) throw new ComposeStackError(`compose/toxiproxy.json has no proxy named "${name}" (topology.proxies is on)`);
    const external = files.upstreams.get(name) ?? null;
    if (external && !spec.proxies) throw new ComposeStackError(`"${name}" is replaced by ${external} (x-faultline.upstreams), which needs topology.proxies on`);
    return { ...base, proxy: spec.proxies && entry.proxied ? proxy : null, external };
  });

  const planned = replicas
    .filter((r) => r.proxy)
    .map((r) => ({ ...(r.proxy as ProxyConfig), upstream: r.external ?? (r.proxy as ProxyConfig).upstream }));
  return {
    replicas,
    services: ['toxiproxy', ...replicas.filter((r) => !r.external).map((r) => r.name)],
    proxies: planned,
  };
}

export interface StackVariables {
  seed: number;
  toxiproxyPort?: number;
  /** Deliberate defects for checker tests (services/catalogue.ts), as the embedded mode takes them. */
  defects?: ServiceDefects;
}

/** The variable holding a service's defect switches: `FAULTLINE_LEDGER_STORE_DEFECTS`. */
export function defectsVariable(service: ServiceName): string {
  return `FAULTLINE_${service.toUpperCase().replace(/-/g, '_')}_DEFECTS`;
}

/**
 * A service's defect switches as the tail of the JSON object docker-compose.yml writes into its
 * FAULTLINE_CONFIG (`,"idempotency":false`): every switch the catalogue lists, at its ordinary value unless
 * `defects` says otherwise, so compose passes what the embedded mode passes.
 */
function defectsFragment(service: ServiceName, defects: ServiceDefects): string {
  const values: Record<string, unknown> = { ...serviceEntry(service).defects, ...defects[service] };
  return Object.entries(values)
    .map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`)
    .join('');
}

/** The variables docker-compose.yml interpolates, from the scenario and the run's options. */
export function composeVariables(spec: TopologySpec, plan: StackPlan, vars: StackVariables): Record<string, string> {
  const discoveryProxy = plan.replicas.find((r) => r.name === 'discovery')?.proxy;
  return {
    FAULTLINE_SEED: String(vars.seed),
    FAULTLINE_ACCOUNTS: String(spec.accounts),
    FAULTLINE_ROUTER: spec.router,
    ...Object.fromEntries(SERVICE_NAMES.map((s) => [defectsVariable(s), defectsFragment(s, vars.defects ?? {})])),
    // Empty = an ephemeral host port (the driver asks docker which one).
    FAULTLINE_TOXIPROXY_PORT: vars.toxiproxyPort ? String(vars.toxiproxyPort) : '',
    FAULTLINE_DISCOVERY_ADDR: discoveryProxy ? `${TOXIPROXY_HOST}:${listenPort(discoveryProxy)}` : `discovery:${SERVICE_PORT}`,
  };
}

/** Compose v2 names a service's single container `<project>-<service>-1`. */
export function containerName(project: string, service: string): string {
  return `${project}-${service}-1`;
}
