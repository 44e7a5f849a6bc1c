// latency: each chunk leaves `latency` ms (± `jitter`) after it was read from the source.
import { z } from 'zod';
import { INTERRUPT, attribute, type ToxicDefinition } from './toxic.ts';

const attributes = z.object({
  latency: attribute(0, 'milliseconds added to every chunk'),
  jitter: attribute(0, 'milliseconds of uniform variation either side of latency'),
});

export const latency: ToxicDefinition<typeof attributes.shape> = {
  type: 'latency',
  description: 'delays data by latency ± jitter milliseconds',
  attributes,
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
