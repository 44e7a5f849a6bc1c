// Network faults: a Toxiproxy toxic on the proxy in front of each target replica for the window, or the
// proxy disabled outright (network.down). There is one network.<type> kind per toxic registered in
// harness/proxy/toxics/registry.ts, made from the toxic's own declaration: its params are the toxic's
// attributes (names, defaults, descriptions) plus `stream` and `toxicity`. Driven through
// toxiproxy-node-client, so the same scenario works on the embedded proxy and on a real Toxiproxy.
import { z } from 'zod';
import type { Toxic } from 'toxiproxy-node-client';
import { TOXICS } from '../proxy/toxics/catalog.ts';
import type { Attributes, ToxicDefinition } from '../proxy/toxics/toxic.ts';
import type { ActiveFault, FaultContext, FaultKind, FaultWindowRef } from './types.ts';

type ToxicType = Toxic<unknown>['type'];

/** What every toxic takes besides its attributes (Toxiproxy's toxic fields). */
const toxicCommon = {
  stream: z.enum(['upstream', 'downstream']).default('downstream').describe('downstream: server → client (the response); upstream: client → server (the request)'),
  toxicity: z.number().min(0).max(1).default(1).describe("share of connections the toxic acts on, drawn per connection from the proxy's seeded source"),
};

/** The proxies in front of the window's target replicas; an error naming the target when there are none. */
function targetProxies(window: FaultWindowRef, ctx: FaultContext): string[] {
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
  window: FaultWindowRef,
  ctx: FaultContext,
  body: { type: ToxicType; stream: 'upstream' | 'downstream'; toxicity: number; attributes: Attributes },
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

/** The network.* kind made of a toxic: its attributes (declared in the toxic's file) plus `stream` and `toxicity`. */
function toxicFault(toxic: ToxicDefinition): FaultKind {
  const params = z.strictObject({ ...toxic.attributes.shape, ...toxicCommon });
  const fault: FaultKind<typeof params> = {
    kind: `network.${toxic.type}`,
    description: `${toxic.description}, on the proxies in front of the target`,
    params,
    target: 'replica',
    needs: { proxy: true },
    async apply(window, values, ctx) {
      const { stream, toxicity, ...attributes } = values;
      return addToxics(window, ctx, { type: toxic.type as ToxicType, stream, toxicity, attributes });
    },
  };
  return fault;
}

const downParams = z.strictObject({});

export const networkDown: FaultKind<typeof downParams> = {
  kind: 'network.down',
  description: 'disables the target proxies: connections are closed and new ones refused until the window ends',
  params: downParams,
  target: 'replica',
  needs: { proxy: true },
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

/** One kind per registered toxic (but noop, which injects nothing), and network.down. */
export const networkFaultKinds: FaultKind[] = [...[...TOXICS.values()].filter((toxic) => !toxic.inert).map(toxicFault), networkDown];
