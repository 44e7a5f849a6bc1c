// The queue between two stages of a link (Go's `chan *StreamChunk`): chunks with the time they were
// read from the source socket, and an end-of-stream marker (null) that, like a closed Go channel, is
// returned for ever once everything before it has been read.

export interface StreamChunk {
  data: Buffer;
  /** performance.now() when the chunk was read from the source (latency counts from here). */
  timestamp: number;
}

/** A chunk, or null for the end of the stream. */
export type StreamItem = StreamChunk | null;

/** Where a stage writes: the next toxic's input channel, or the link's sink (the destination socket). */
export interface ChunkTarget {
  /** Queues an item; false when the target is full and the writer should wait for room. */
  push(item: StreamItem): boolean;
  /** Calls back once when the target has room again (soon, if it has room now). */
  onRoom(callback: () => void): void;
}

export class Channel implements ChunkTarget {
  private items: StreamChunk[] = [];
  private bytes = 0;
  private ended = false;
  private discarding = false;
  private roomWaiters: Array<() => void> = [];
  /** Set by the stage that reads this channel: called whenever an item arrives. */
  onItem: (() => void) | undefined;

  constructor(readonly highWaterBytes: number) {}

  push(item: StreamItem): boolean {
    if (this.discarding || this.ended) return true;
    if (item === null) this.ended = true;
    else {
      this.items.push(item);
      this.bytes += item.data.length;
    }
    this.onItem?.();
    return this.bytes < this.highWaterBytes;
  }

  /** The next item: a chunk, null once ended and empty, undefined while empty and open. */
  shift(): StreamItem | undefined {
    const item = this.items.shift();
    if (item === undefined) return this.ended ? null : undefined;
    this.bytes -= item.data.length;
    if (this.roomWaiters.length > 0 && this.bytes < this.highWaterBytes) this.wakeRoomWaiters();
    return item;
  }

  onRoom(callback: () => void): void {
    if (this.bytes < this.highWaterBytes) queueMicrotask(callback);
    else this.roomWaiters.push(callback);
  }

  /** Moves everything queued (and the end marker) on to `target`, for when this channel's reader leaves the chain. */
  drainTo(target: ChunkTarget): void {
    if (!this.discarding) {
      for (const item of this.items) target.push(item);
      if (this.ended) target.push(null);
    }
    this.items = [];
    this.bytes = 0;
    this.discarding = true;
    this.wakeRoomWaiters();
  }

  /** From now on accept and drop everything: the reader has closed its stream. */
  discard(): void {
    this.discarding = true;
    this.items = [];
    this.bytes = 0;
    this.wakeRoomWaiters();
  }

  private wakeRoomWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }
}
