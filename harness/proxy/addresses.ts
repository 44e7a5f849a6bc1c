// host:port parsing for a proxy's listen and upstream addresses, and the loopback rule for listen.
import { isIP } from 'node:net';
import { ErrInvalidAddress, ErrListenNotLoopback, type ApiError } from './api-error.ts';

export interface HostPort {
  host: string;
  port: number;
}

/** Splits `host:port` or `[v6]:port`; throws an ApiError naming the field. */
export function parseHostPort(value: string, field: string): HostPort {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw invalid(field, value);
  return { host: match[1] ?? match[2] ?? '', port };
}

/** A listen address: empty means 127.0.0.1:0; `localhost` means 127.0.0.1; anything off loopback is refused. */
export function parseListen(value: string): HostPort {
  if (value === '') return { host: '127.0.0.1', port: 0 };
  const { host, port } = parseHostPort(value, 'listen');
  const resolved = host === 'localhost' ? '127.0.0.1' : host;
  if (!isLoopback(resolved)) throw ErrListenNotLoopback.withDetail(value);
  return { host: resolved, port };
}

/** An upstream address: any host, a port from 1 to 65535. */
export function parseUpstream(value: string): HostPort {
  const parsed = parseHostPort(value, 'upstream');
  if (parsed.host === '' || parsed.port === 0) throw invalid('upstream', value);
  return parsed;
}

export function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** `127.0.0.1:8474` or `[::1]:8474`, as Go prints a listener's address. */
export function formatHostPort({ host, port }: HostPort): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

function invalid(field: string, value: string): ApiError {
  return ErrInvalidAddress.withDetail(`${field} ${JSON.stringify(value)} is not host:port`);
}
