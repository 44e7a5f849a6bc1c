// What runs a replica whose mock the user replaced: their command as a local process (faultline starts,
// signals, restarts and stops it exactly as a mock), or only their URL (faultline proxies and registers
// it, waits for its health route, and refuses process faults on it).
import path from 'node:path';
import type { Replacement } from '../scenario/schema.ts';
import { normalizeLoopbackUrl } from '../scenario/loopback-url.ts';
import { AddressRuntime } from './address-runtime.ts';
import { startCommandProcess } from './command-process.ts';
import { TopologyError } from './errors.ts';
import { waitForHealth } from './health.ts';
import { ProcessRuntime } from './process-runtime.ts';
import type { ReplicaRuntime } from './replica.ts';
import type { ServiceName } from './types.ts';

/** The replica being replaced, with the documented environment it is to get (replacement-env.ts). */
export interface ReplacedReplica {
  name: string;
  service: ServiceName;
  env: Record<string, string>;
}

/** `signal`: aborting it interrupts a start in progress (Ctrl-C while the topology starts). */
export function replacementRuntime(replica: ReplacedReplica, r: Replacement, log: (line: string) => void, signal?: AbortSignal): ReplicaRuntime {
  const readyTimeoutMs = r.ready_timeout * 1000;
  if (r.url !== undefined) return urlRuntime(replica, r.url, r.health, readyTimeoutMs, signal);
  const spec = {
    replica: replica.name,
    service: replica.service,
    command: r.command ?? '',
    cwd: path.resolve(r.cwd ?? '.'),
    env: { ...replica.env, ...r.env },
    health: r.health,
    readyTimeoutMs,
    ...(signal ? { signal } : {}),
    log,
  };
  return new ProcessRuntime(replica.name, (port) => startCommandProcess(spec, port), log);
}

function urlRuntime(replica: ReplacedReplica, url: string, health: string, timeoutMs: number, signal?: AbortSignal): AddressRuntime {
  const directUrl = normalizeLoopbackUrl(url);
  const replaced = `${replica.name} (${replica.service} replaced by the URL ${url})`;
  return new AddressRuntime({
    directUrl,
    port: Number(new URL(directUrl).port),
    refuse: (action) => new TopologyError(`${action} is refused: ${replaced} is a service faultline did not start, so it has no process to signal or restart`),
    ready: async () => {
      const result = await waitForHealth({ url: `${directUrl}${health}`, timeoutMs, ...(signal ? { cancel: signal } : {}) });
      if (!result.healthy && signal?.aborted) throw new TopologyError(`${replaced}: interrupted while waiting for it to be healthy`);
      if (!result.healthy) {
        throw new TopologyError(`${replaced} is not healthy: GET ${directUrl}${health} did not answer 200 within ${timeoutMs / 1000} s (last: ${result.last})`);
      }
    },
  });
}
