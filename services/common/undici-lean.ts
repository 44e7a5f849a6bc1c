// undici's Pool and Agent, with the one method the services call on them (request), without undici's index.
// The index loads every dispatcher, the fetch implementation, the cache, the mock agent and the WebSocket
// and EventSource clients; a service process pays for it at every start (about 45 ms of CPU of ~75, measured
// with V8's code cache, on a 2-core VM). The classes are undici's own: the index does nothing more for them
// than attach its API methods to Dispatcher's prototype, which this module does for `request` (the same
// function, so a process that also loads the index sees no difference).
import type { Dispatcher } from 'undici';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';
import PoolClass from 'undici/lib/dispatcher/pool.js';
import request from 'undici/lib/api/api-request.js';

const proto = DispatcherClass.prototype as { request?: Dispatcher['request'] };
proto.request ??= request;

export const Pool = PoolClass;
export type Pool = InstanceType<typeof PoolClass>;
export const Agent = AgentClass;
export type Agent = InstanceType<typeof AgentClass>;

/** A GET (or other request without a body) of an absolute URL through `dispatcher`. */
export function requestUrl(
  dispatcher: Dispatcher,
  url: string,
  options: Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & { method?: Dispatcher.HttpMethod },
): Promise<Dispatcher.ResponseData> {
  const u = new URL(url);
  return dispatcher.request({ ...options, method: options.method ?? 'GET', origin: u.origin, path: `${u.pathname}${u.search}` });
}
