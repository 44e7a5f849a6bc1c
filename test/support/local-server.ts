// Plain node:http servers on 127.0.0.1, port 0, for tests that need a service that misbehaves (hangs, streams
// forever, answers wrongly); every one is closed, its connections cut, when the test file ends.
import { after } from 'node:test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const servers: http.Server[] = [];
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** Starts a server with this handler; its base URL. */
export async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
