// The address of a service that replaces a mock by URL: plain http on this host's loopback, with a port.
// All of a run's traffic stays on loopback, so a URL elsewhere is refused up front, naming what is wrong.

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

export const LOOPBACK_URL_EXAMPLE = 'http://127.0.0.1:9000';

/** Why `raw` is not a usable replacement URL, or null when it is. */
export function loopbackUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    if (!raw.includes('://')) throw new Error('no scheme');
    url = new URL(raw);
  } catch {
    return `"${raw}" is not a URL (e.g. ${LOOPBACK_URL_EXAMPLE})`;
  }
  if (url.protocol !== 'http:') return `"${raw}" must be plain http (${url.protocol.slice(0, -1)} given), e.g. ${LOOPBACK_URL_EXAMPLE}`;
  if (!LOOPBACK_HOSTS.has(url.hostname)) return `"${raw}" must be on 127.0.0.1 or localhost: all traffic stays on loopback`;
  if (url.port === '') return `"${raw}" must name its port, e.g. ${LOOPBACK_URL_EXAMPLE}`;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    return `"${raw}" must be a base address only (scheme, host and port), e.g. ${LOOPBACK_URL_EXAMPLE}`;
  }
  return null;
}

/** `http://localhost:9000/` -> `http://127.0.0.1:9000`: the form proxies and discovery use (IPv4 loopback). */
export function normalizeLoopbackUrl(raw: string): string {
  const url = new URL(raw);
  return `http://127.0.0.1:${url.port}`;
}
