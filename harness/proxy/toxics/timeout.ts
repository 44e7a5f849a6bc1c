// timeout: nothing gets through (data is dropped); after `timeout` ms the connection is closed.
// With timeout 0 the connection hangs until the toxic is removed, and is then closed, because the data
// dropped meanwhile has corrupted the stream (Toxiproxy's behaviour since 2.1).
import { z } from 'zod';
import { DEADLINE, INTERRUPT, attribute, type ToxicDefinition } from './toxic.ts';

const attributes = z.object({
  timeout: attribute(0, 'milliseconds before the connection is closed; 0 = never (until the toxic is removed)'),
});

export const timeout: ToxicDefinition<typeof attributes.shape> = {
  type: 'timeout',
  description: 'stops all data and closes the connection after `timeout` ms (0: hangs until removed)',
  attributes,
  async pipe(stub, { timeout }) {
    const deadline = timeout > 0 ? performance.now() + timeout : Infinity;
    for (;;) {
      const chunk = await stub.readUntil(deadline);
      if (chunk === INTERRUPT) return;
      if (chunk === DEADLINE) return stub.close();
      if (chunk === null) {
        // The source closed: keep the connection hanging until the deadline (or removal).
        if (await stub.sleepUntil(deadline)) stub.close();
        return;
      }
      // Any other chunk is dropped on the floor.
    }
  },
  cleanup(stub) {
    stub.close();
  },
};
