import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findFreePort } from './free-port.js';
import { startRedisServer } from './redis-server.js';

vi.mock('./free-port.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./free-port.js')>();
  return { ...actual, findFreePort: vi.fn(actual.findFreePort) };
});

/** Holds a loopback port, as another process grabbing it between findFreePort and bind would. */
async function occupyPort(): Promise<{ port: number; blocker: Server }> {
  const blocker = createServer((socket) => socket.resume()); // read, so closed clients are noticed
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const address = blocker.address();
  return { port: typeof address === 'object' && address !== null ? address.port : 0, blocker };
}

describe('startRedisServer port collisions', () => {
  let blocker: Server | undefined;

  afterEach(async () => {
    await new Promise((resolve) => blocker?.close(resolve) ?? resolve(undefined));
  });

  it('retries on a new port when the free port is taken before the server binds it', async () => {
    const occupied = await occupyPort();
    blocker = occupied.blocker;
    vi.mocked(findFreePort).mockClear().mockResolvedValueOnce(occupied.port);

    await using server = await startRedisServer();

    expect(server.port).not.toBe(occupied.port);
    expect(findFreePort).toHaveBeenCalledTimes(2);
    expect(await server.command(['PING'])).toBe('PONG');
  });

  it('does not move an explicit port: the error says it is in use', async () => {
    const occupied = await occupyPort();
    blocker = occupied.blocker;

    const error = await startRedisServer({ port: occupied.port }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'E_REDIS_SERVER_START', port: occupied.port, portInUse: true });
    expect((error as Error).message).toMatch(/Address already in use/);
  });
});
