// The live metrics of `faultline up --metrics-port`: what a standing pipeline has to show — each replica's
// process state, and each fault proxy's toxics and whether it is enabled (asked of the Toxiproxy API at
// each scrape, with a short deadline). The endpoint is bound before the pipeline starts.
import { Registry } from 'prom-client';
import { defineReplicaMetrics, defineUpMetrics, type ProxyState, type ReplicaState } from './definitions.ts';
import { startMetricsServer, type MetricsServer } from './server.ts';

/** How long a scrape waits for the Toxiproxy API. */
const PROXY_API_DEADLINE_MS = 1000;
/** The /proxies answer is read up to this size (hundreds of proxies fit). */
const PROXY_API_MAX_BYTES = 1024 * 1024;

export interface UpTopology {
  replicas(): readonly ReplicaState[];
  readonly urls: { toxiproxy: string };
}

export class LiveUpMetrics {
  private topology: UpTopology | null = null;

  private constructor(
    readonly registry: Registry,
    private readonly server: MetricsServer,
  ) {}

  static async start(options: { port: number; router: string; seed: number }): Promise<LiveUpMetrics> {
    const registry = new Registry();
    const server = await startMetricsServer({ port: options.port, registry });
    const self = new LiveUpMetrics(registry, server);
    const up = defineUpMetrics(registry, () => (self.topology ? readProxies(self.topology.urls.toxiproxy) : Promise.resolve(null)));
    up.upInfo.set({ router: options.router, seed: String(options.seed) }, 1);
    defineReplicaMetrics(registry, () => self.topology?.replicas() ?? null);
    return self;
  }

  get url(): string {
    return this.server.url;
  }

  watch(topology: UpTopology): void {
    this.topology = topology;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/** The proxies the Toxiproxy API lists, or null when it does not answer in time (or answers nonsense). */
export async function readProxies(apiUrl: string): Promise<ProxyState[] | null> {
  try {
    const res = await fetch(`${apiUrl}/proxies`, { signal: AbortSignal.timeout(PROXY_API_DEADLINE_MS) });
    const text = await res.text();
    if (!res.ok || text.length > PROXY_API_MAX_BYTES) return null;
    const body = JSON.parse(text) as unknown;
    if (typeof body !== 'object' || body === null) return null;
    const out: ProxyState[] = [];
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
      const p = value as { enabled?: unknown; toxics?: unknown };
      out.push({ name, enabled: p.enabled !== false, toxics: Array.isArray(p.toxics) ? p.toxics.length : 0 });
    }
    return out;
  } catch {
    return null;
  }
}
