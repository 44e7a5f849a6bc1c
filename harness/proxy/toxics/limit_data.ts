// limit_data: lets `bytes` bytes through on this connection, then closes it.
import { z } from 'zod';
import { INTERRUPT, attribute, type ToxicDefinition } from './toxic.ts';

const attributes = z.object({
  bytes: attribute(0, 'bytes to transmit before the connection is closed'),
});

export interface LimitDataState {
  transmitted: number;
}

export const limitData: ToxicDefinition<typeof attributes.shape, LimitDataState> = {
  type: 'limit_data',
  description: 'closes the connection after `bytes` bytes',
  attributes,
  newState: () => ({ transmitted: 0 }),
  async pipe(stub, { bytes }) {
    for (;;) {
      const chunk = await stub.read();
      if (chunk === INTERRUPT) return;
      if (chunk === null) return stub.close();
      const remaining = Math.max(0, bytes - stub.state.transmitted);
      const data = chunk.data.length > remaining ? chunk.data.subarray(0, remaining) : chunk.data;
      if (data.length > 0) {
        stub.state.transmitted += data.length;
        await stub.write({ data, timestamp: chunk.timestamp });
      }
      if (stub.state.transmitted >= bytes) return stub.close();
    }
  },
};
