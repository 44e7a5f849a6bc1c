// Every toxic by its API name (Toxiproxy's Register calls). Adding a toxic: one file, one line here.
import type { ToxicDefinition } from './toxic.ts';
import { noop } from './noop.ts';
import { latency } from './latency.ts';
import { bandwidth } from './bandwidth.ts';
import { slowClose } from './slow_close.ts';
import { timeout } from './timeout.ts';
import { resetPeer } from './reset_peer.ts';
import { slicer } from './slicer.ts';
import { limitData } from './limit_data.ts';

const all: readonly ToxicDefinition[] = [noop, latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData];

export const TOXICS: ReadonlyMap<string, ToxicDefinition> = new Map(all.map((toxic) => [toxic.type, toxic]));

export function findToxic(type: string): ToxicDefinition | undefined {
  return TOXICS.get(type);
}
