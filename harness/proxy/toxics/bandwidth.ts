// bandwidth: passes data at `rate` KB/s (1 KB = 1000 bytes, as Toxiproxy counts), in pieces of at most
// 100 ms worth, each released when the bytes before it have had their time.
import { INTERRUPT, type ToxicDefinition } from './toxic.ts';

export type BandwidthAttributes = {
  /** KB/s; 0 means unlimited. */
  rate: number;
};

export const bandwidth: ToxicDefinition<BandwidthAttributes> = {
  type: 'bandwidth',
  description: 'limits the rate to `rate` KB/s',
  defaults: { rate: 0 },
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
