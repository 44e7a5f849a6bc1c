// A loopback port nothing listens on: bind port 0, read the port the kernel gave, close. What the faults
// that advertise dead ports (dead_endpoints, wrong_port) point clients at.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
