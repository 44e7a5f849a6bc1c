// Every open watch: fans store changes out to them, sends periodic BOOKMARK events so a client can tell
// a live watch from a stalled one, and holds them all back while the stall_watch fault is active.
import type { ServerResponse } from 'node:http';
import type { EndpointsStore } from './endpoints-store.ts';
import type { Selection } from './selection.ts';
import { WatchStream } from './watch-stream.ts';

export interface OpenWatchOptions {
  selection: Selection;
  /** Absent, "" or "0": start with the present state; a number: replay history after it. */
  resourceVersion?: number;
  bookmarks: boolean;
  /** Ends the watch cleanly after this long, as Kubernetes' timeoutSeconds does. */
  timeoutSeconds?: number;
}

export class WatchHub {
  private readonly watches = new Set<WatchStream>();
  private stalled = false;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: EndpointsStore,
    bookmarkMs: number,
  ) {
    this.unsubscribe = store.onChange(() => {
      if (!this.stalled) for (const w of this.watches) this.deliver(w);
    });
    this.timer = setInterval(() => this.bookmarkAll(), bookmarkMs);
    this.timer.unref();
  }

  get count(): number {
    return this.watches.size;
  }

  get isStalled(): boolean {
    return this.stalled;
  }

  /**
   * Stalling: open watches stay open but get nothing, not even bookmarks. A watch opened during a stall
   * still gets its initial state (what a fresh watch is answered with), then nothing more. Releasing
   * the stall delivers everything the watches missed.
   */
  setStalled(stalled: boolean): void {
    if (this.stalled === stalled) return;
    this.stalled = stalled;
    if (!stalled) for (const w of this.watches) this.deliver(w);
  }

  open(res: ServerResponse, options: OpenWatchOptions): void {
    const rv = options.resourceVersion;
    const fromPresent = rv === undefined || rv === 0;
    const watch = new WatchStream(res, options.selection, options.bookmarks, fromPresent ? this.store.resourceVersion : rv);
    watch.begin(fromPresent ? this.store.current(options.selection) : []);
    if (!fromPresent && rv < this.store.oldestResumableVersion) {
      watch.gone(rv, this.store.oldestResumableVersion);
      return;
    }
    if (!fromPresent && rv > this.store.resourceVersion) watch.lastRv = this.store.resourceVersion;
    // The replay of history after `rv` is part of the initial answer: it is sent even during a stall.
    if (!watch.deliver(this.store)) return;
    this.watches.add(watch);
    let timeout: NodeJS.Timeout | undefined;
    if (options.timeoutSeconds && options.timeoutSeconds > 0) {
      timeout = setTimeout(() => watch.end(), options.timeoutSeconds * 1000);
      timeout.unref();
    }
    res.on('close', () => {
      if (timeout) clearTimeout(timeout);
      this.watches.delete(watch);
    });
  }

  close(): void {
    clearInterval(this.timer);
    this.unsubscribe();
    for (const w of this.watches) w.end();
    this.watches.clear();
  }

  private deliver(watch: WatchStream): void {
    if (!watch.deliver(this.store) || watch.isClosed) this.watches.delete(watch);
  }

  private bookmarkAll(): void {
    if (this.stalled) return;
    const rv = this.store.resourceVersion;
    for (const w of this.watches) {
      if (w.isClosed) this.watches.delete(w);
      else w.bookmark(rv);
    }
  }
}
