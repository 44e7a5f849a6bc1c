// What a toxic is (Toxiproxy's toxics/toxic.go): a definition whose attributes are declared once, as a
// zod object (each field a non-negative integer with its default and a description), and whose pipe()
// moves chunks from a stub's input to its output; and the stub: one toxic's place in one link (one
// direction of one connection), with its own input queue, seeded random source and state.
// pipe() runs until the stream ends or it is interrupted (the toxic was updated or removed, or the
// connection is closing); an interrupted toxic passes on any chunk it holds and returns promptly.
// The same declaration serves the Toxiproxy HTTP API (toxic-json.ts) and the network.* fault kinds
// (harness/faults/network.ts), so a toxic's attributes are written down in its own file and nowhere else.
import { z } from 'zod';
import type { Rng } from '../../../services/common/random.ts';
import type { Channel, ChunkTarget, StreamChunk, StreamItem } from '../channel.ts';

export type Direction = 'upstream' | 'downstream';

/** A toxic's attribute values: named integers (milliseconds, bytes, KB/s, microseconds). */
export type Attributes = Record<string, number>;

/**
 * One attribute, as Toxiproxy has it: a non-negative integer (int64 in Go, so not capped at 2^53 as z.int()
 * would), its default and what it means.
 */
export function attribute(defaultValue: number, description: string) {
  return z.number().refine(Number.isInteger, { message: 'must be an integer', abort: true }).nonnegative().default(defaultValue).describe(description);
}

export type AttributeSchema = ReturnType<typeof attribute>;
export type AttributeShape = Record<string, AttributeSchema>;
/** The values pipe() gets: every attribute of the shape, defaults filled. */
export type AttributeValues<Shape extends AttributeShape> = { [K in keyof Shape]: number };

export const INTERRUPT: unique symbol = Symbol('interrupt');
export const DEADLINE: unique symbol = Symbol('deadline');

export interface ToxicDefinition<Shape extends AttributeShape = AttributeShape, S = unknown> {
  /** API name, e.g. `latency` (Toxiproxy's Register name). */
  readonly type: string;
  /** What it does to the data, for users (the network.* fault kind's description is built from it). */
  readonly description: string;
  /** Every attribute with its default and description; attributes not named here are ignored, as the real server does. */
  readonly attributes: z.ZodObject<Shape>;
  /** True for a toxic that changes nothing (noop): the API serves it, but no network.* fault kind is made of it. */
  readonly inert?: boolean;
  /** How many bytes may wait in front of this toxic before the previous stage waits (Go's BufferSize). */
  readonly bufferBytes?: number;
  /** Per-connection state that survives updates of the toxic (limit_data's byte count). */
  newState?(): S;
  pipe(stub: ToxicStub<S>, attributes: AttributeValues<Shape>): Promise<void>;
  /** Runs when the toxic is removed from a live connection (timeout closes the connection). */
  cleanup?(stub: ToxicStub<S>): void;
}

/** Every attribute of a toxic at its default (what a toxic created without attributes gets). */
export function defaultAttributes(definition: ToxicDefinition): Attributes {
  return definition.attributes.parse({}) as Attributes;
}

/** A toxic as configured on a proxy (Go's ToxicWrapper). */
export interface ToxicEntry {
  readonly name: string;
  readonly type: string;
  readonly stream: Direction;
  readonly toxicity: number;
  readonly attributes: Attributes;
  readonly definition: ToxicDefinition;
}

export interface ToxicJson {
  attributes: Attributes;
  name: string;
  type: string;
  stream: Direction;
  toxicity: number;
}

/** Serialised with the real server's field order. */
export function toxicJson(entry: ToxicEntry): ToxicJson {
  return { attributes: { ...entry.attributes }, name: entry.name, type: entry.type, stream: entry.stream, toxicity: entry.toxicity };
}

export interface ToxicStubOptions<S> {
  input: Channel;
  output: ChunkTarget;
  /** Seeded per proxy, connection, direction and toxic: the first draw decides toxicity. */
  rng: Rng;
  state: S;
  /** Abort the whole connection with a TCP RST. */
  onReset: () => void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

interface Parked {
  release: () => void;
  wakeOnItem: boolean;
}

export class ToxicStub<S = unknown> {
  readonly input: Channel;
  /** Rewired by the link when a toxic is added after this one or the next one is removed. */
  output: ChunkTarget;
  readonly rng: Rng;
  readonly state: S;
  private readonly toxicityDraw: number;
  private readonly onReset: () => void;
  private interrupting = false;
  private aborted = false;
  private closedFlag = false;
  private running: Promise<void> | undefined;
  private parked: Parked | undefined;

  constructor(options: ToxicStubOptions<S>) {
    this.input = options.input;
    this.output = options.output;
    this.rng = options.rng;
    this.state = options.state;
    this.onReset = options.onReset;
    this.toxicityDraw = options.rng.next();
    this.input.onItem = () => {
      if (this.parked?.wakeOnItem) this.unpark();
    };
  }

  /** Whether a toxic with this toxicity acts on this connection (drawn once per connection). */
  affectedBy(toxicity: number): boolean {
    return this.toxicityDraw < toxicity;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  get stopping(): boolean {
    return this.interrupting || this.aborted;
  }

  /** Starts a toxic's pipe on this stub (after creation, or again after an interrupt). */
  run(definition: ToxicDefinition<AttributeShape, S>, attributes: Attributes): void {
    if (this.aborted || this.closedFlag) return;
    this.running = definition.pipe(this, attributes).catch(() => this.close());
  }

  /** The next chunk, null at the end of the stream, or INTERRUPT: then pass on what you hold and return. */
  async read(): Promise<StreamItem | typeof INTERRUPT> {
    for (;;) {
      if (this.stopping) return INTERRUPT;
      const item = this.input.shift();
      if (item !== undefined) return item;
      await this.park(undefined, true);
    }
  }

  /** As read(), but DEADLINE once performance.now() reaches `deadline`. */
  async readUntil(deadline: number): Promise<StreamItem | typeof INTERRUPT | typeof DEADLINE> {
    for (;;) {
      if (this.stopping) return INTERRUPT;
      const item = this.input.shift();
      if (item !== undefined) return item;
      const left = deadline - performance.now();
      if (left <= 0) return DEADLINE;
      await this.park(left, true);
    }
  }

  /** Passes a chunk to the next stage; waits while it is full (not once interrupted). */
  async write(chunk: StreamChunk): Promise<void> {
    if (this.aborted || this.closedFlag) return;
    if (this.output.push(chunk) || this.stopping) return;
    await new Promise<void>((resolve) => {
      const parked: Parked = { release: resolve, wakeOnItem: false };
      this.parked = parked;
      this.output.onRoom(() => {
        if (this.parked === parked) this.unpark();
      });
    });
  }

  /** Waits `ms`; false if interrupted first. */
  sleep(ms: number): Promise<boolean> {
    return this.sleepUntil(performance.now() + ms);
  }

  /** Waits until performance.now() reaches `time`; false if interrupted first. */
  async sleepUntil(time: number): Promise<boolean> {
    for (;;) {
      if (this.stopping) return false;
      const left = time - performance.now();
      if (left <= 0) return true;
      await this.park(left, false);
    }
  }

  /** Lets other work run (a sub-millisecond pause); false if interrupted. */
  async yieldTurn(): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return !this.stopping;
  }

  /** Ends the stream after this toxic (Go's stub.Close): the link closes the connection once it gets there. */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.input.discard();
    this.output.push(null);
  }

  /** Resets the whole connection (TCP RST on both sides). */
  reset(): void {
    this.closedFlag = true;
    this.input.discard();
    this.onReset();
  }

  /** Stops the running pipe so it can be replaced; false if the stub is already closed. */
  async interrupt(): Promise<boolean> {
    if (this.closedFlag || this.aborted) return false;
    this.interrupting = true;
    this.unpark();
    await this.running;
    this.interrupting = false;
    return !this.closedFlag;
  }

  /** The connection is going away: stop for good, clearing timers. */
  abort(): void {
    this.aborted = true;
    this.unpark();
  }

  private park(ms: number | undefined, wakeOnItem: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const parked: Parked = {
        wakeOnItem,
        release: () => {
          if (timer) clearTimeout(timer);
          resolve();
        },
      };
      // No timer for an endless wait; Node's timers cap at 2^31-1 ms.
      if (ms !== undefined && Number.isFinite(ms)) {
        timer = setTimeout(() => this.parked === parked && this.unpark(), Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(ms))));
      }
      this.parked = parked;
    });
  }

  private unpark(): void {
    const parked = this.parked;
    this.parked = undefined;
    parked?.release();
  }
}
