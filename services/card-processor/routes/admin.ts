// Loopback admin routes: the mesh restart fault, the router's view of discovery, and the drain the runner
// waits for after traffic.
import type { FastifyInstance } from 'fastify';
import type { ProcessorContext } from '../processor-context.ts';

export function adminRoutes(app: FastifyInstance, ctx: ProcessorContext): void {
  app.post(
    '/__admin/router/restart',
    {
      schema: {
        summary: 'Restart the mesh client (the router.restart fault)',
        description:
          "Drops every endpoint the processor's router resolved and resolves again from a fresh discovery list, as restarting " +
          'linkerd did in 2017. Takes no body. Answers `{restarted: true}`.',
        body: { type: 'null' },
      },
    },
    async () => {
      await ctx.router.restart();
      return { restarted: true };
    },
  );
  app.get(
    '/__admin/router',
    {
      schema: {
        summary: "The router's view of discovery",
        description:
          'Endpoints per service, resolution state and counters (RouterSnapshot). Before traffic faultline polls it until the ' +
          'ledger is resolved; a processor that answers 404 here has nothing to wait for.',
      },
    },
    async () => ctx.router.snapshot(),
  );
  app.post<{ Body: { deadline_ms?: number } | null }>(
    '/__admin/drain',
    {
      schema: {
        summary: 'Flush the feed outbox and settle unknown ledger writes',
        description:
          'After traffic faultline asks every processor to deliver its pending feed events and settle the ledger writes whose ' +
          'outcome it never learnt, within `deadline_ms` (default 5000), so the feed can be checked against the ledger. Answers ' +
          '`{drained, pending, unsettled_writes, delivered, dropped}`. A processor without it is logged, not fatal.',
        body: { type: ['object', 'null'], additionalProperties: false, properties: { deadline_ms: { type: 'integer', minimum: 0, maximum: 120000 } } },
      },
    },
    async (request) => {
      const deadline = request.body?.deadline_ms ?? 5000;
      const started = Date.now();
      const settled = await ctx.unsettled.drain(deadline);
      const drained = (await ctx.outbox.drain(Math.max(0, deadline - (Date.now() - started)))) && settled;
      return { drained, pending: ctx.outbox.pending + ctx.unsettled.size, unsettled_writes: ctx.unsettled.size, delivered: ctx.outbox.delivered, dropped: ctx.outbox.dropped };
    },
  );
}
