// Every toxic, one line each (Toxiproxy's Register calls). Adding a toxic: write its file, add its line.
// The API's toxic types and the network.* fault kinds are derived from these exports (catalog.ts).
export { noop } from './noop.ts';
export { latency } from './latency.ts';
export { bandwidth } from './bandwidth.ts';
export { slowClose } from './slow_close.ts';
export { timeout } from './timeout.ts';
export { resetPeer } from './reset_peer.ts';
export { slicer } from './slicer.ts';
export { limitData } from './limit_data.ts';
