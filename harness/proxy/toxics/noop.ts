// noop: passes everything through unchanged. Also what a stub runs when toxicity spares its connection.
import { INTERRUPT, type ToxicDefinition, type ToxicStub } from './toxic.ts';

export type NoopAttributes = Record<string, never>;

export async function passThrough(stub: ToxicStub): Promise<void> {
  for (;;) {
    const chunk = await stub.read();
    if (chunk === INTERRUPT) return;
    if (chunk === null) return stub.close();
    await stub.write(chunk);
  }
}

export const noop: ToxicDefinition<NoopAttributes> = {
  type: 'noop',
  description: 'passes data through unchanged',
  defaults: {},
  pipe: passThrough,
};
