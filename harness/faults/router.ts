// The mesh restart: every card processor's router drops its state and resolves again from discovery,
// as the Monzo engineers restarted every linkerd at 14:26 — which exposed the `subsets: null` crash.
import { z } from 'zod';
import { adminCall } from '../http/admin-call.ts';
import type { ActiveFault, FaultKind } from './types.ts';

const restartParams = z.strictObject({});
/** The processor's router admin routes (GET: its state); a restart is POST <route>/restart. */
const ROUTER_ADMIN = '/__admin/router';

export const routerRestart: FaultKind<typeof restartParams> = {
  kind: 'router.restart',
  description: 'restart the mesh client inside the target processors: they re-list every service from discovery',
  params: restartParams,
  target: 'processor',
  needs: { adminRoute: ROUTER_ADMIN },
  async apply(window, _params, ctx): Promise<ActiveFault> {
    const processors = ctx.topology.resolveTarget(window.target).filter((r) => r.service === 'card-processor');
    if (processors.length === 0) throw new Error(`router.restart needs card-processor replicas, "${window.target}" has none`);
    await Promise.all(
      processors.map(async (p) => {
        await adminCall(`${p.directUrl}${ROUTER_ADMIN}/restart`, { method: 'POST', timeoutMs: 5000, fail: (message) => new Error(`${p.name}: router restart: ${message}`) });
      }),
    );
    return { heal: async () => {} };
  },
};

export const routerFaultKinds: FaultKind[] = [routerRestart];
