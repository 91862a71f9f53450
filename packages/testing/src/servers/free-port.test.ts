import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CLUSTER_BUS_PORT_OFFSET, findFreePort } from './free-port.js';

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('findFreePort', () => {
  it('returns a bindable loopback port, never the same one twice in a row', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => findFreePort()));
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) expect(port).toBeGreaterThan(0);
    expect(await canListen(ports[0]!)).toBe(true);
  });

  it('can require the cluster bus port (port + 10000) to be free as well', async () => {
    const ports = await Promise.all(Array.from({ length: 10 }, () => findFreePort({ clusterBus: true })));
    for (const port of ports) {
      expect(port + CLUSTER_BUS_PORT_OFFSET).toBeLessThanOrEqual(65_535);
      expect(await canListen(port + CLUSTER_BUS_PORT_OFFSET)).toBe(true);
    }
    const all = ports.flatMap((port) => [port, port + CLUSTER_BUS_PORT_OFFSET]);
    expect(new Set(all).size).toBe(all.length);
  });
});
