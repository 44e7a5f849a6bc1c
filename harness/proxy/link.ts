// One direction of one proxied connection (Toxiproxy's link.go): source socket → chain of toxic stubs →
// destination socket. With no toxics the source writes straight to the destination (the fast path, the
// same work as stream.pipe); toxics added, updated or removed on the proxy are applied to the live chain,
// in order, without losing or reordering data.
import type { Socket } from 'node:net';
import type { Rng } from '../../services/common/random.ts';
import { Channel, type ChunkTarget, type StreamItem } from './channel.ts';
import { noop } from './toxics/noop.ts';
import { ToxicStub, type Direction, type ToxicEntry } from './toxics/toxic.ts';

/** Bytes queued in front of a toxic before the stage feeding it (ultimately the source socket) waits. */
const DEFAULT_BUFFER_BYTES = 64 * 1024;

export interface LinkOptions {
  direction: Direction;
  source: Socket;
  dest: Socket;
  /** The proxy's toxics for this direction when the connection opened. */
  chain: readonly ToxicEntry[];
  /** A seeded random source for one toxic on this link. */
  rngFor(toxicName: string): Rng;
  /** The end of the stream has reached the destination (it has been end()ed). */
  onEnd(link: Link): void;
  /** A toxic asked for a TCP reset of the connection. */
  onReset(): void;
}

interface Stage {
  entry: ToxicEntry;
  stub: ToxicStub;
}

/** Writes to the destination socket; an end marker ends it. */
class SocketSink implements ChunkTarget {
  private ended = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly dest: Socket,
    private readonly onEnd: () => void,
  ) {
    dest.on('drain', () => {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
  }

  write(data: Buffer): boolean {
    if (this.ended || this.dest.destroyed) return true;
    return this.dest.write(data);
  }

  push(item: StreamItem): boolean {
    if (item !== null) return this.write(item.data);
    if (!this.ended) {
      this.ended = true;
      this.onEnd();
    }
    return true;
  }

  onRoom(callback: () => void): void {
    if (this.dest.writableNeedDrain && !this.dest.destroyed) this.waiters.push(callback);
    else queueMicrotask(callback);
  }
}

export class Link {
  readonly direction: Direction;
  readonly source: Socket;
  readonly dest: Socket;
  /** The source sent its FIN (or went away) and the end marker entered the chain. */
  sourceEnded = false;
  /** The end marker reached the destination. */
  ended = false;
  private readonly stages: Stage[] = [];
  private readonly sink: SocketSink;
  private readonly options: LinkOptions;
  private ops: Promise<void> = Promise.resolve();
  private paused = false;
  private stopped = false;

  constructor(options: LinkOptions) {
    this.options = options;
    this.direction = options.direction;
    this.source = options.source;
    this.dest = options.dest;
    this.sink = new SocketSink(options.dest, () => {
      this.ended = true;
      options.onEnd(this);
    });
    for (const entry of options.chain) this.append(entry);
  }

  /** Starts moving data. */
  start(): void {
    this.source.on('end', () => this.endSource());
    this.source.on('data', this.onData);
  }

  /** The source sent its FIN, or went away (error, destroy): the end marker enters the chain, as Toxiproxy does on EOF or a read error. */
  endSource(): void {
    if (this.sourceEnded || this.stopped) return;
    this.sourceEnded = true;
    this.entry().push(null);
  }

  addToxic(entry: ToxicEntry): Promise<void> {
    return this.enqueue(async () => this.append(entry));
  }

  updateToxic(entry: ToxicEntry): Promise<void> {
    return this.enqueue(async () => {
      const stage = this.stages.find((s) => s.entry.name === entry.name);
      if (!stage) return;
      stage.entry = entry;
      if (await stage.stub.interrupt()) this.runStage(stage);
    });
  }

  removeToxic(name: string): Promise<void> {
    return this.enqueue(async () => {
      const index = this.stages.findIndex((s) => s.entry.name === name);
      const stage = this.stages[index];
      if (!stage) return;
      const { stub, entry } = stage;
      if ((await stub.interrupt()) && entry.definition.cleanup && stub.affectedBy(entry.toxicity)) {
        entry.definition.cleanup(stub);
      }
      // Whatever the toxic had not read yet moves on to the next stage, then the stage before skips it.
      const next = stub.output;
      stub.input.drainTo(next);
      const previous = this.stages[index - 1];
      if (previous) previous.stub.output = next;
      this.stages.splice(index, 1);
    });
  }

  /** The connection is closing: stop every toxic (clearing its timers) and stop reading. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.source.off('data', this.onData);
    for (const { stub } of this.stages) stub.abort();
  }

  /** Settles once every pending add/update/remove has been applied to this link. */
  settled(): Promise<void> {
    return this.ops;
  }

  private readonly onData = (data: Buffer): void => {
    const first = this.stages[0];
    if (first === undefined) {
      if (!this.sink.write(data)) this.pauseSource(this.sink);
      return;
    }
    if (!first.stub.input.push({ data, timestamp: performance.now() })) this.pauseSource(first.stub.input);
  };

  private pauseSource(target: ChunkTarget): void {
    if (this.paused) return;
    this.paused = true;
    this.source.pause();
    target.onRoom(() => {
      this.paused = false;
      if (!this.stopped) this.source.resume();
    });
  }

  /** Where the source's data enters: the first toxic, or the destination itself. */
  private entry(): ChunkTarget {
    return this.stages[0]?.stub.input ?? this.sink;
  }

  private append(entry: ToxicEntry): void {
    if (this.stopped) return;
    const input = new Channel(entry.definition.bufferBytes ?? DEFAULT_BUFFER_BYTES);
    const stub = new ToxicStub({
      input,
      output: this.sink,
      rng: this.options.rngFor(entry.name),
      state: entry.definition.newState?.(),
      onReset: this.options.onReset,
    });
    const last = this.stages.at(-1);
    if (last) last.stub.output = input;
    const stage = { entry, stub };
    this.stages.push(stage);
    this.runStage(stage);
  }

  private runStage({ entry, stub }: Stage): void {
    stub.run(stub.affectedBy(entry.toxicity) ? entry.definition : noop, entry.attributes);
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    this.ops = this.ops.then(op, op);
    return this.ops;
  }
}
