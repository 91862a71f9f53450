import { RedisRepository } from '@forno/redis-driver';
import { HybridCache } from '../../src/index.js';
import type { Command, Reply, StormResult, WorkerSettings } from './protocol.js';

/**
 * A worker process of the multi-process tests: one RedisRepository and one HybridCache
 * (`stampede: 'distributed'`, bus heartbeat 200 ms), driven over IPC by the parent.
 */
const settings = JSON.parse(process.argv[2]!) as WorkerSettings;
const repository = new RedisRepository({
  ...(settings.nodes ? { cluster: { nodes: [...settings.nodes] } } : { port: settings.port! }),
  keyPrefix: settings.keyPrefix,
  healthCheckInterval: false,
  commandTimeout: '10s',
});
await repository.connect();
const cache = new HybridCache({
  repository,
  namespace: 'storm',
  stampede: 'distributed',
  lockTimeout: '30s',
  bus: { heartbeat: '200ms' },
});
const send = (reply: Reply) => process.send!(reply);

async function run(command: Exclude<Command, { type: 'stop' }>): Promise<unknown> {
  switch (command.type) {
    case 'storm': {
      let factoryCalls = 0;
      const values = await Promise.all(
        Array.from({ length: command.callers }, () =>
          cache.getOrSet(command.key, async () => {
            factoryCalls++;
            await new Promise((resolve) => setTimeout(resolve, command.factoryMs));
            return { baked: command.key };
          }),
        ),
      );
      const answered = values.filter((value) => value.baked === command.key).length;
      return { factoryCalls, answered } satisfies StormResult;
    }
    case 'set':
      await cache.set(command.key, command.value);
      return process.hrtime.bigint().toString();
    case 'get':
      return cache.get(command.key);
    case 'watch':
      for (;;) {
        if ((await cache.get(command.key)) === command.value) return process.hrtime.bigint().toString();
        await new Promise((resolve) => setImmediate(resolve));
      }
    case 'stats':
      return cache.stats();
  }
}

process.on('message', (command: Command) => {
  if (command.type === 'stop') {
    void cache
      .close()
      .then(() => repository.disconnect())
      .finally(() => process.exit(0));
    return;
  }
  run(command).then(
    (result) => send({ type: 'reply', id: command.id, result }),
    (error: unknown) => send({ type: 'error', id: command.id, message: String(error) }),
  );
});

const waitForBus = setInterval(() => {
  if (cache.stats().bus.state === 'healthy') {
    clearInterval(waitForBus);
    send({ type: 'ready' });
  }
}, 5);
