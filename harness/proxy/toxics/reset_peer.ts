// reset_peer: on the first data after the toxic is in place, wait `timeout` ms and reset the connection
// (TCP RST to both peers: the client sees ECONNRESET). The data that triggered it is dropped.
import { z } from 'zod';
import { INTERRUPT, attribute, type ToxicDefinition } from './toxic.ts';

const attributes = z.object({
  timeout: attribute(0, 'milliseconds between the first data and the reset; 0 = at once'),
});

export const resetPeer: ToxicDefinition<typeof attributes.shape> = {
  type: 'reset_peer',
  description: 'resets the connection (TCP RST) `timeout` ms after data arrives',
  attributes,
  async pipe(stub, { timeout }) {
    const chunk = await stub.read();
    if (chunk === INTERRUPT) return;
    if (await stub.sleep(timeout)) stub.reset();
  },
};
