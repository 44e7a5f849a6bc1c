// slow_close: data flows as usual, but the end of the stream is held back `delay` ms.
import { INTERRUPT, type ToxicDefinition } from './toxic.ts';

export type SlowCloseAttributes = {
  /** Milliseconds to hold the close. */
  delay: number;
};

export const slowClose: ToxicDefinition<SlowCloseAttributes> = {
  type: 'slow_close',
  description: 'delays the close of the connection by `delay` ms',
  defaults: { delay: 0 },
  async pipe(stub, { delay }) {
    for (;;) {
      const chunk = await stub.read();
      if (chunk === INTERRUPT) return;
      if (chunk === null) {
        // Interrupted while waiting: the end marker stays readable, so whoever runs next closes.
        if (await stub.sleep(delay)) stub.close();
        return;
      }
      await stub.write(chunk);
    }
  },
};
