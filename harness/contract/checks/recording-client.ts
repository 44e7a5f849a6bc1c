// A contract client that remembers the writes it sent and what they were answered, so the read-back check
// (read-back.ts) can read back what every write of the whole check run claimed: the routes, idempotency and
// rule checks' writes as well as its own. Only answered POSTs to the service's own routes (`/v1/…`) are kept,
// and at most MAX_WRITES of them (a run with `--cases 100000` sends far more): the read-back says how many it
// could not keep.
import { ServiceClient, type SendOptions } from './client.ts';
import type { Exchange } from './exchange.ts';

export const MAX_WRITES = 20_000;

export class WriteLog {
  readonly writes: Exchange[] = [];
  /** Writes sent but not kept (past MAX_WRITES). */
  dropped = 0;

  note(exchange: Exchange): void {
    const r = exchange.request;
    if (r.method !== 'POST' || !r.path.startsWith('/v1/') || r.body === undefined) return;
    if (this.writes.length >= MAX_WRITES) {
      this.dropped++;
      return;
    }
    this.writes.push(exchange);
  }
}

export class RecordingClient extends ServiceClient {
  readonly log = new WriteLog();

  override async send(o: SendOptions): Promise<Exchange> {
    const exchange = await super.send(o);
    this.log.note(exchange);
    return exchange;
  }
}

/** The writes the client remembered, or undefined when it is a plain client (nothing was recorded). */
export function writeLogOf(client: ServiceClient): WriteLog | undefined {
  return client instanceof RecordingClient ? client.log : undefined;
}
