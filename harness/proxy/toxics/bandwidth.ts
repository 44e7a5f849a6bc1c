// bandwidth: passes data at `rate` KB/s (1 KB = 1000 bytes, as Toxiproxy counts), in pieces of at most
// 100 ms worth, each released when the bytes before it have had their time.
import { z } from 'zod';
import { INTERRUPT, attribute, type ToxicDefinition } from './toxic.ts';

const attributes = z.object({
  rate: attribute(0, 'KB/s (1 KB = 1000 bytes); 0 means unlimited'),
});

export const bandwidth: ToxicDefinition<typeof attributes.shape> = {
  type: 'bandwidth',
  description: 'limits the rate to `rate` KB/s',
  attributes,
  async pipe(stub, { rate }) {
    const bytesPerMs = rate; // rate KB/s == rate bytes per ms
    const maxPiece = Math.max(1, rate * 100);
    let nextFree = performance.now();
    for (;;) {
      const chunk = await stub.read();
      if (chunk === INTERRUPT) return;
      if (chunk === null) return stub.close();
      if (rate <= 0) {
        await stub.write(chunk);
        continue;
      }
      let rest = chunk.data;
      while (rest.length > 0) {
        const piece = rest.subarray(0, maxPiece);
        nextFree = Math.max(nextFree, performance.now()) + piece.length / bytesPerMs;
        if (!(await stub.sleepUntil(nextFree))) return stub.write({ data: rest, timestamp: chunk.timestamp });
        rest = rest.subarray(piece.length);
        await stub.write({ data: piece, timestamp: chunk.timestamp });
      }
    }
  },
};
