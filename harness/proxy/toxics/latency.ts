// latency: each chunk leaves `latency` ms (± `jitter`) after it was read from the source.
import { INTERRUPT, type ToxicDefinition } from './toxic.ts';

export type LatencyAttributes = {
  /** Milliseconds added to every chunk. */
  latency: number;
  /** Milliseconds of uniform variation either side of `latency`. */
  jitter: number;
};

export const latency: ToxicDefinition<LatencyAttributes> = {
  type: 'latency',
  description: 'delays data by latency ± jitter milliseconds',
  defaults: { latency: 0, jitter: 0 },
  // Holds up to this much data in flight, so a delayed stream keeps its throughput (Go buffers 1024 chunks).
  bufferBytes: 4 * 1024 * 1024,
  async pipe(stub, { latency, jitter }) {
    for (;;) {
      const chunk = await stub.read();
      if (chunk === INTERRUPT) return;
      if (chunk === null) return stub.close();
      const delay = jitter > 0 ? latency + stub.rng.int(-jitter, jitter - 1) : latency;
      const release = chunk.timestamp + delay;
      // Interrupted while holding the chunk: pass it on at once rather than drop it.
      if (!(await stub.sleepUntil(release))) return stub.write(chunk);
      chunk.timestamp = Math.max(chunk.timestamp, release);
      await stub.write(chunk);
    }
  },
};
