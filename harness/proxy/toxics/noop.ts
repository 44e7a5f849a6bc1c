// noop: passes everything through unchanged. Also what a stub runs when toxicity spares its connection.
import { z } from 'zod';
import { INTERRUPT, type ToxicDefinition, type ToxicStub } from './toxic.ts';

const attributes = z.object({});

export async function passThrough(stub: ToxicStub): Promise<void> {
  for (;;) {
    const chunk = await stub.read();
    if (chunk === INTERRUPT) return;
    if (chunk === null) return stub.close();
    await stub.write(chunk);
  }
}

export const noop: ToxicDefinition<typeof attributes.shape> = {
  type: 'noop',
  description: 'passes data through unchanged',
  attributes,
  inert: true,
  pipe: passThrough,
};
