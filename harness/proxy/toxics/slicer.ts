// slicer: cuts each chunk into pieces of about `average_size` bytes (± `size_variation`), with `delay`
// microseconds between pieces, the way a real network delivers a stream in small segments.
import { z } from 'zod';
import { INTERRUPT, attribute, type ToxicDefinition } from './toxic.ts';
import type { Rng } from '../../../services/common/random.ts';

const attributes = z.object({
  average_size: attribute(0, 'average piece size in bytes; 0 leaves chunks whole'),
  size_variation: attribute(0, '± bytes around the average (kept below average_size)'),
  delay: attribute(0, 'microseconds between pieces'),
});

/** Cut points for `size` bytes: halves recursively (with a random shift) until pieces are near the average. */
export function sliceOffsets(size: number, average: number, variation: number, rng: Rng): number[] {
  const cuts: number[] = [0];
  const spread = Math.min(Math.max(0, variation), Math.max(0, average - 1));
  const split = (start: number, end: number): void => {
    if (end - start - average <= spread) {
      cuts.push(end);
      return;
    }
    const shift = spread > 0 ? rng.int(-spread, spread - 1) : 0;
    const mid = Math.min(end - 1, Math.max(start + 1, start + Math.floor((end - start) / 2) + shift));
    split(start, mid);
    split(mid, end);
  };
  if (size > 0) split(0, size);
  return cuts;
}

export const slicer: ToxicDefinition<typeof attributes.shape> = {
  type: 'slicer',
  description: 'slices data into pieces of about average_size bytes, delay µs apart',
  attributes,
  async pipe(stub, { average_size, size_variation, delay }) {
    for (;;) {
      const chunk = await stub.read();
      if (chunk === INTERRUPT) return;
      if (chunk === null) return stub.close();
      if (average_size <= 0) {
        await stub.write(chunk);
        continue;
      }
      const cuts = sliceOffsets(chunk.data.length, average_size, size_variation, stub.rng);
      for (let i = 1; i < cuts.length; i++) {
        await stub.write({ data: chunk.data.subarray(cuts[i - 1], cuts[i]), timestamp: chunk.timestamp });
        if (i === cuts.length - 1) break;
        // Under a millisecond a timer cannot wait, so yield a turn of the event loop instead.
        const waited = delay >= 1000 ? await stub.sleep(delay / 1000) : delay > 0 ? await stub.yieldTurn() : !stub.stopping;
        if (!waited) return stub.write({ data: chunk.data.subarray(cuts[i]), timestamp: chunk.timestamp });
      }
    }
  },
};
