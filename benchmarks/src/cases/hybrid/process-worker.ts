import { fornoCache, openPeer, type PeerName } from './peers.js';

/**
 * A child process of the hybrid-cache cases. `storm <peer> <port>`: on `go`, 250 (or N) concurrent
 * getOrSet of one cold key, replying with how many times its factory ran. `forno <port>`: a
 * HybridCache that `set`s (replying with the monotonic time the write resolved) or `watch`es a key
 * (replying with the time its `get` first returned the value).
 */
type Request =
  | { id: number; op: 'go'; key: string; callers: number; factoryMs: number }
  | { id: number; op: 'set' | 'watch'; key: string; value: number }
  | { id: number; op: 'stop' };

const [role, arg1, arg2] = process.argv.slice(2) as [string, string, string | undefined];
const reply = (id: number, result: unknown) => process.send!({ id, result });
const now = () => process.hrtime.bigint().toString();

if (role === 'storm') {
  const peer = await openPeer(arg1 as PeerName, Number(arg2));
  process.on('message', async (request: Request) => {
    if (request.op === 'stop') return void peer.close().finally(() => process.exit(0));
    if (request.op !== 'go') return;
    let factoryCalls = 0;
    await Promise.all(
      Array.from({ length: request.callers }, () =>
        peer.getOrSet(request.key, async () => {
          factoryCalls++;
          await new Promise((resolve) => setTimeout(resolve, request.factoryMs));
          return { baked: request.key };
        }),
      ),
    );
    reply(request.id, factoryCalls);
  });
} else {
  const { cache, close } = await fornoCache(Number(arg1));
  process.on('message', async (request: Request) => {
    if (request.op === 'stop') return void close().finally(() => process.exit(0));
    if (request.op === 'set') {
      await cache.set(request.key, request.value);
      reply(request.id, now());
    } else if (request.op === 'watch') {
      while ((await cache.get(request.key)) !== request.value)
        await new Promise((resolve) => setImmediate(resolve));
      reply(request.id, now());
    }
  });
}
process.send!({ id: -1, result: 'ready' });
