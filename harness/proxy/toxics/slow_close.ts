// slow_close: data flows as usual, but the end of the stream is held back `delay` ms.
import { z } from 'zod';
import { INTERRUPT, attribute, type ToxicDefinition } from './toxic.ts';

const attributes = z.object({
  delay: attribute(0, 'milliseconds to hold the close'),
});

export const slowClose: ToxicDefinition<typeof attributes.shape> = {
  type: 'slow_close',
  description: 'delays the close of the connection by `delay` ms',
  attributes,
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
