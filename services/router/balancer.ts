// Picks an endpoint: round-robin, or least-loaded (power of two random choices on in-flight requests).
// Ejected endpoints and the one just tried are skipped while any other is left; with none left, every
// endpoint is fair game again (a panic mode, as Envoy has: better a likely-dead host than none).
import type { Endpoint } from './endpoint-table.ts';
import type { Rng } from '../common/random.ts';
import type { BalancerKind } from './types.ts';

export interface Cursor {
  rr: number;
}

export class Balancer {
  constructor(
    private readonly kind: BalancerKind,
    private readonly rng: Rng,
  ) {}

  pick(endpoints: readonly Endpoint[], cursor: Cursor, now: number, avoid?: Endpoint): Endpoint {
    const n = endpoints.length;
    if (n === 1) return endpoints[0] as Endpoint;
    if (this.kind === 'least_loaded') {
      const i = Math.floor(this.rng.next() * n);
      let j = Math.floor(this.rng.next() * (n - 1));
      if (j >= i) j++;
      const a = endpoints[i] as Endpoint;
      const b = endpoints[j] as Endpoint;
      const okA = a !== avoid && !a.isEjected(now);
      const okB = b !== avoid && !b.isEjected(now);
      if (okA && okB) return a.inFlight <= b.inFlight ? a : b;
      if (okA) return a;
      if (okB) return b;
      return this.scan(endpoints, i, now, avoid);
    }
    const start = cursor.rr++ % n;
    if (cursor.rr > 1e9) cursor.rr = 0;
    const first = endpoints[start] as Endpoint;
    if (first !== avoid && !first.isEjected(now)) return first;
    return this.scan(endpoints, start, now, avoid);
  }

  /** First usable endpoint from `start`; else any but `avoid`; else the first. */
  private scan(endpoints: readonly Endpoint[], start: number, now: number, avoid?: Endpoint): Endpoint {
    const n = endpoints.length;
    for (let k = 1; k <= n; k++) {
      const ep = endpoints[(start + k) % n] as Endpoint;
      if (ep !== avoid && !ep.isEjected(now)) return ep;
    }
    for (let k = 1; k <= n; k++) {
      const ep = endpoints[(start + k) % n] as Endpoint;
      if (ep !== avoid) return ep;
    }
    return endpoints[start] as Endpoint;
  }
}
