// One open watch: a chunked HTTP response carrying one JSON WatchEvent per line, of Endpoints or of
// EndpointSlices. It remembers the last resourceVersion it delivered, so delivery is a pull from the
// store's history: a watch that was held back (stall_watch) catches up from where it stopped once released.
import type { ServerResponse } from 'node:http';
import type { EndpointsStore, HistoryEvent } from './endpoints-store.ts';
import type { EndpointSlice, Endpoints, WatchEvent } from './contract.ts';
import { renderStatus } from './render.ts';
import { selects, type Selection } from './selection.ts';

/** A client that stops reading is cut off rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 1 << 20;

const BOOKMARK_KIND = {
  endpoints: '"kind":"Endpoints","apiVersion":"v1"',
  endpointslices: '"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1"',
} as const;

/** The lines of one change a watch with this selection gets: the Endpoints event, or the change's slice events (all in one write). */
function linesFor(selection: Selection, event: HistoryEvent): string {
  if (selection.resource === 'endpoints') return selects(selection, event.namespace, event.name) ? event.line : '';
  let out = '';
  for (const slice of event.slices) if (selects(selection, event.namespace, slice.name, slice.labels)) out += slice.line;
  return out;
}

export class WatchStream {
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    readonly selection: Selection,
    readonly bookmarks: boolean,
    public lastRv: number,
  ) {}

  get isClosed(): boolean {
    return this.closed || this.res.destroyed;
  }

  /** Sends the response head and the initial events (synthetic ADDED for the present state). */
  begin(initial: Array<Endpoints | EndpointSlice>): void {
    this.res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
    this.res.flushHeaders();
    for (const object of initial) this.write(`${JSON.stringify({ type: 'ADDED', object } satisfies WatchEvent)}\n`);
  }

  /** Writes every event after lastRv that matches the filter. False when lastRv fell out of history. */
  deliver(store: EndpointsStore): boolean {
    if (this.isClosed) return true;
    const ok = store.forEachSince(this.lastRv, (event: HistoryEvent) => {
      const lines = linesFor(this.selection, event);
      if (lines) this.write(lines);
    });
    if (!ok) {
      this.gone(this.lastRv, store.oldestResumableVersion);
      return false;
    }
    this.lastRv = store.resourceVersion;
    return true;
  }

  /** A BOOKMARK: "nothing for you, but the watch is alive at this resourceVersion". */
  bookmark(rv: number): void {
    if (!this.bookmarks || this.isClosed) return;
    this.write(`{"type":"BOOKMARK","object":{${BOOKMARK_KIND[this.selection.resource]},"metadata":{"resourceVersion":"${rv}"}}}\n`);
  }

  /** The ERROR event Kubernetes sends when a watch asks for history it no longer has; then the stream ends. */
  gone(requested: number, oldest: number): void {
    const status = renderStatus(410, `too old resource version: ${requested} (${oldest})`, 'Expired');
    this.write(`${JSON.stringify({ type: 'ERROR', object: status } satisfies WatchEvent)}\n`);
    this.end();
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.res.destroyed) this.res.end();
  }

  private write(line: string): void {
    if (this.isClosed) return;
    this.res.write(line);
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.closed = true;
      this.res.destroy();
    }
  }
}
