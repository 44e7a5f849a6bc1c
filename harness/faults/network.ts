// Network faults: a Toxiproxy toxic on the proxy in front of each target replica for the window
// (network.latency, .bandwidth, .slow_close, .timeout, .reset_peer, .slicer, .limit_data), or the proxy
// disabled outright (network.down). Driven through toxiproxy-node-client, so the same scenario works on
// the embedded proxy and on a real Toxiproxy. Params are the toxic's attributes plus `stream` and `toxicity`.
import { z } from 'zod';
import type { Toxic } from 'toxiproxy-node-client';
import type { FaultWindow } from '../scenario/schema.ts';
import type { ActiveFault, FaultContext, FaultKind } from './types.ts';

type ToxicType = Toxic<unknown>['type'];

const ms = z.number().int().nonnegative().max(3_600_000);
const toxicCommon = {
  /** downstream: server → client (the response); upstream: client → server (the request). */
  stream: z.enum(['upstream', 'downstream']).default('downstream'),
  /** Share of connections the toxic acts on, drawn per connection from the proxy's seeded source. */
  toxicity: z.number().min(0).max(1).default(1),
};

/** The proxies in front of the window's target replicas; an error naming the target when there are none. */
function targetProxies(window: FaultWindow, ctx: FaultContext): string[] {
  const replicas = ctx.topology.resolveTarget(window.target);
  const names = replicas.flatMap((r) => (r.proxy ? [r.proxy.name] : []));
  if (names.length === 0) {
    throw new Error(`${window.fault} needs a proxy in front of "${window.target}", and it has none (is topology.proxies off?)`);
  }
  const bare = replicas.filter((r) => !r.proxy).map((r) => r.name);
  if (bare.length > 0) ctx.log(`${window.name}: ${bare.join(', ')} ha${bare.length === 1 ? 's' : 've'} no proxy; ${window.fault} skips ${bare.length === 1 ? 'it' : 'them'}`);
  return names;
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && /status code 404\b/.test(err.message);
}

/** Runs every step, ignoring 404 (the proxy or toxic is already gone); rethrows the first other error. */
async function settleAll(steps: Array<() => Promise<unknown>>): Promise<void> {
  let failure: unknown;
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      if (!isNotFound(err)) failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
}

async function addToxics(
  window: FaultWindow,
  ctx: FaultContext,
  body: { type: ToxicType; stream: 'upstream' | 'downstream'; toxicity: number; attributes: Record<string, number> },
): Promise<ActiveFault> {
  const added: Array<Toxic<Record<string, number>>> = [];
  const remove = (): Promise<void> => settleAll(added.map((toxic) => () => toxic.remove()));
  try {
    for (const proxyName of targetProxies(window, ctx)) {
      const proxy = await ctx.toxiproxy.get(proxyName);
      added.push(await proxy.addToxic({ name: window.name, ...body }));
    }
  } catch (err) {
    await remove().catch(() => {});
    throw new Error(`${window.name}: cannot add the ${body.type} toxic on ${window.target}: ${(err as Error).message}`);
  }
  ctx.log(`${window.name}: ${body.type} ${JSON.stringify(body.attributes)} ${body.stream} on ${added.length} prox${added.length === 1 ? 'y' : 'ies'}`);
  return { heal: remove };
}

function toxicFault<A extends z.ZodRawShape>(kind: string, type: ToxicType, description: string, attributes: A) {
  const params = z.strictObject({ ...attributes, ...toxicCommon });
  const fault: FaultKind<typeof params> = {
    kind,
    description,
    params,
    target: 'replica',
    async apply(window, values, ctx) {
      const { stream, toxicity, ...rest } = values as { stream: 'upstream' | 'downstream'; toxicity: number } & Record<string, number>;
      return addToxics(window, ctx, { type, stream, toxicity, attributes: rest });
    },
  };
  return fault;
}

export const networkLatency = toxicFault('network.latency', 'latency', 'adds latency ± jitter ms to data through the target proxies', {
  latency: ms,
  jitter: ms.default(0),
});

export const networkBandwidth = toxicFault('network.bandwidth', 'bandwidth', 'limits the target proxies to `rate` KB/s', {
  rate: z.number().int().nonnegative(),
});

export const networkSlowClose = toxicFault('network.slow_close', 'slow_close', 'delays closing connections by `delay` ms', {
  delay: ms,
});

export const networkTimeout = toxicFault(
  'network.timeout',
  'timeout',
  'stops all data; closes connections after `timeout` ms (0: they hang until the window ends, then close)',
  { timeout: ms.default(0) },
);

export const networkResetPeer = toxicFault('network.reset_peer', 'reset_peer', 'resets connections (TCP RST) `timeout` ms after data arrives', {
  timeout: ms.default(0),
});

export const networkSlicer = toxicFault('network.slicer', 'slicer', 'slices data into ~average_size byte pieces, `delay` µs apart', {
  average_size: z.number().int().positive(),
  size_variation: z.number().int().nonnegative().default(0),
  delay: z.number().int().nonnegative().max(10_000_000).default(0),
});

export const networkLimitData = toxicFault('network.limit_data', 'limit_data', 'closes each connection after `bytes` bytes', {
  bytes: z.number().int().nonnegative(),
});

const downParams = z.strictObject({});

export const networkDown: FaultKind<typeof downParams> = {
  kind: 'network.down',
  description: 'disables the target proxies: connections are closed and new ones refused until the window ends',
  params: downParams,
  target: 'replica',
  async apply(window, _params, ctx): Promise<ActiveFault> {
    const disabled: string[] = [];
    const enable = (): Promise<void> =>
      settleAll(
        disabled.map((name) => async () => {
          const proxy = await ctx.toxiproxy.get(name);
          if (!proxy.enabled) await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
        }),
      );
    try {
      for (const name of targetProxies(window, ctx)) {
        const proxy = await ctx.toxiproxy.get(name);
        await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
        disabled.push(name);
      }
    } catch (err) {
      await enable().catch(() => {});
      throw new Error(`${window.name}: cannot disable the proxies of ${window.target}: ${(err as Error).message}`);
    }
    ctx.log(`${window.name}: disabled ${disabled.join(', ')}`);
    return { heal: enable };
  },
};

export const networkFaultKinds: FaultKind[] = [
  networkLatency,
  networkBandwidth,
  networkSlowClose,
  networkTimeout,
  networkResetPeer,
  networkSlicer,
  networkLimitData,
  networkDown,
];
