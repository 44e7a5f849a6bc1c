// reset_peer: on the first data after the toxic is in place, wait `timeout` ms and reset the connection
// (TCP RST to both peers: the client sees ECONNRESET). The data that triggered it is dropped.
import { INTERRUPT, type ToxicDefinition } from './toxic.ts';

export type ResetPeerAttributes = {
  /** Milliseconds between the first data and the reset; 0 = at once. */
  timeout: number;
};

export const resetPeer: ToxicDefinition<ResetPeerAttributes> = {
  type: 'reset_peer',
  description: 'resets the connection (TCP RST) `timeout` ms after data arrives',
  defaults: { timeout: 0 },
  async pipe(stub, { timeout }) {
    const chunk = await stub.read();
    if (chunk === INTERRUPT) return;
    if (await stub.sleep(timeout)) stub.reset();
  },
};
