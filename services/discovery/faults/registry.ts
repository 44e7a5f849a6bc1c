// Every discovery fault, one line each. Adding one: write its file, add its line. The kind names, the
// admin routes and their JSON schemas, and the harness's discovery.* fault kinds are derived from these
// exports (catalog.ts).
export { nullSubsets } from './null_subsets.ts';
export { emptySubsets } from './empty_subsets.ts';
export { stallWatch } from './stall_watch.ts';
export { slowApi } from './slow_api.ts';
export { failApi } from './fail_api.ts';
export { hangApi } from './hang_api.ts';
export { flap } from './flap.ts';
export { deadEndpoints } from './dead_endpoints.ts';
export { wrongPort } from './wrong_port.ts';
