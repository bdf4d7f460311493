import net from 'node:net';

/**
 * A port that was free on 127.0.0.1 a moment ago (bound to port 0, then released), for a
 * program that cannot listen on port 0 and report the port it got.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
