// Process faults on the topology's replicas: SIGKILL, SIGTERM with or without deregistering first
// (the rolling-deploy story), SIGSTOP/SIGCONT (a frozen process, or a duty cycle for CPU starvation),
// and restart on a new port (the pod moved: discovery must catch up).
import { z } from 'zod';
import type { ActiveFault, FaultContext, FaultKind, FaultWindowRef } from './types.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function targets(window: FaultWindowRef, ctx: FaultContext): string[] {
  return ctx.topology.resolveTarget(window.target).map((r) => r.name);
}

/** Signals every target; one that died meanwhile is skipped (its fault is over anyway). */
function signalAll(ctx: FaultContext, names: string[], signal: NodeJS.Signals): void {
  for (const name of names) {
    try {
      ctx.topology.signal(name, signal);
    } catch {
      /* died meanwhile */
    }
  }
}

/** Brings every target back up (same port unless told otherwise); tolerant of replicas already running. */
async function ensureRunning(ctx: FaultContext, names: string[], newPort: boolean): Promise<void> {
  for (const name of names) {
    const replica = ctx.topology.resolveTarget(name)[0];
    if (replica && !replica.running) await ctx.topology.restart(name, { newPort });
  }
}

const killParams = z.strictObject({
  restart: z.boolean().default(true).describe('restart the killed replicas when the window ends, as Kubernetes would restart the pod'),
  new_port: z.boolean().default(false).describe('restart them on new ports (the pods moved)'),
});

export const processKill: FaultKind<typeof killParams> = {
  kind: 'process.kill',
  description: 'SIGKILL the target replicas; restart them when the window ends',
  params: killParams,
  target: 'replica',
  needs: { processControl: true },
  async apply(window, params, ctx): Promise<ActiveFault> {
    const names = targets(window, ctx);
    for (const name of names) ctx.topology.signal(name, 'SIGKILL');
    return {
      heal: async () => {
        if (params.restart) await ensureRunning(ctx, names, params.new_port);
      },
    };
  },
};

const termParams = z.strictObject({
  deregister_first: z.boolean().default(false).describe('leave discovery before SIGTERM, as a clean rolling deploy does (the Ravelin story does not)'),
  grace_ms: z.number().int().nonnegative().max(60_000).default(1000).describe('with deregister_first: ms between leaving discovery and SIGTERM'),
  replace_after_ms: z.number().int().nonnegative().max(60_000).default(1000).describe('ms for the replacement pod to come up'),
  interval_ms: z.number().int().nonnegative().max(60_000).default(1000).describe('ms between replicas of the rolling deploy'),
});

export const processTerm: FaultKind<typeof termParams> = {
  kind: 'process.term',
  description: 'rolling deploy: SIGTERM each target replica (optionally deregistering first) and replace it on a new port',
  params: termParams,
  target: 'replica',
  needs: { processControl: true },
  async apply(window, params, ctx): Promise<ActiveFault> {
    const names = targets(window, ctx);
    let cancelled = false;
    const rollout = (async () => {
      for (const name of names) {
        if (cancelled) return;
        await ctx.topology.terminate(name, { deregisterFirst: params.deregister_first, graceMs: params.grace_ms });
        await sleep(params.replace_after_ms);
        if (cancelled) return;
        await ctx.topology.restart(name, { newPort: true });
        ctx.log(`${name}: replaced on a new port`);
        await sleep(params.interval_ms);
      }
    })();
    return {
      heal: async () => {
        cancelled = true;
        await rollout.catch((err: Error) => ctx.log(`rolling deploy stopped: ${err.message}`));
        await ensureRunning(ctx, names, true);
      },
    };
  },
};

const pauseParams = z.strictObject({});

export const processPause: FaultKind<typeof pauseParams> = {
  kind: 'process.pause',
  description: 'SIGSTOP the target replicas for the window (a frozen process), SIGCONT at the end',
  params: pauseParams,
  target: 'replica',
  needs: { processControl: true },
  async apply(window, _params, ctx): Promise<ActiveFault> {
    const names = targets(window, ctx);
    for (const name of names) ctx.topology.signal(name, 'SIGSTOP');
    return { heal: async () => signalAll(ctx, names, 'SIGCONT') };
  },
};

const starveParams = z.strictObject({
  duty: z.number().gt(0).lt(1).default(0.7).describe('share of each period the processes are stopped: 0.7 = they get 30% of their CPU time'),
  period_ms: z.number().int().min(10).max(10_000).default(100).describe('one stop + run cycle, in ms'),
});

export const processStarve: FaultKind<typeof starveParams> = {
  kind: 'process.starve',
  description: 'CPU starvation of co-located replicas together: a SIGSTOP/SIGCONT duty cycle',
  params: starveParams,
  target: 'replica',
  needs: { processControl: true },
  async apply(window, params, ctx): Promise<ActiveFault> {
    const names = targets(window, ctx);
    let running = true;
    const stopMs = Math.round(params.period_ms * params.duty);
    const loop = (async () => {
      while (running) {
        signalAll(ctx, names, 'SIGSTOP');
        await sleep(stopMs);
        signalAll(ctx, names, 'SIGCONT');
        if (!running) break;
        await sleep(params.period_ms - stopMs);
      }
    })();
    return {
      heal: async () => {
        running = false;
        await loop;
        signalAll(ctx, names, 'SIGCONT');
      },
    };
  },
};

const moveParams = z.strictObject({
  interval_ms: z.number().int().nonnegative().max(60_000).default(200).describe('ms between moving one replica and the next'),
});

export const processRestartNewPort: FaultKind<typeof moveParams> = {
  kind: 'process.restart_new_port',
  description: 'restart the target replicas on new ports (the pods moved): stale discovery now points at dead ports',
  params: moveParams,
  target: 'replica',
  needs: { processControl: true },
  async apply(window, params, ctx): Promise<ActiveFault> {
    const names = targets(window, ctx);
    const [first, ...rest] = names;
    // The fault takes effect when the first replica's old process is gone (its old address is dead: what
    // stale discovery routes to), not when the new one is healthy; the rest follows in the background.
    let moving: Promise<unknown> = Promise.resolve();
    if (first) {
      let stopped = (): void => {};
      const gone = new Promise<void>((resolve) => (stopped = resolve));
      moving = ctx.topology.restart(first, { newPort: true, onStopped: stopped });
      await Promise.race([gone, moving]);
    }
    const following = (async () => {
      await moving;
      for (const name of rest) {
        await sleep(params.interval_ms);
        await ctx.topology.restart(name, { newPort: true });
      }
    })();
    return {
      heal: async () => {
        await following.catch((err: Error) => ctx.log(`moving replicas stopped: ${err.message}`));
      },
    };
  },
};

export const processFaultKinds: FaultKind[] = [processKill, processTerm, processPause, processStarve, processRestartNewPort];
