import { CommandRunner } from '@forno/core/backend';
import { RedisRepository } from '@forno/redis-driver';
import { JsonSerializer } from '@forno/serialization';
import { Redis } from 'ioredis';
import { MENU_ITEM } from './cases/fixtures.js';
import { median, withConcurrency } from './harness/compare.js';

/**
 * `pnpm bench:layers` — what each layer of the ioredis driver adds to a get/set operation, in CPU
 * µs, with no network and no server: the ioredis connection is a stub whose `get` and `set` resolve
 * at once, so what is left is the work done in this process around the client call, and it is
 * repeatable on a loaded machine (the figures of `bench:cpu` move by ±20 % per round there).
 *
 * Variants, each adding one layer to the previous one (same keys, values and in-flight level):
 * - `raw`: `client.set(key, JSON.stringify(item))` / `JSON.parse(await client.get(key))`;
 * - `+ serializer`: Forno's `JsonSerializer` instead of `JSON` (strict fidelity, prototype guard);
 * - `+ runner`: sent through core's `CommandRunner` (deadline, retry rule, typed errors);
 * - `RedisRepository`: the whole driver (key validation and prefix, the command table, the
 *   driver's send path).
 *
 * Options: `--ops N` per run (default 200,000), `--rounds N` (default 9, plus a warm-up round),
 * `--in-flight N` (default 200). Variants run in rotating order; each figure is the median round.
 */
const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = argv.indexOf(name);
  return at === -1 ? undefined : argv[at + 1];
};
const ops = Number(option('--ops') ?? 200_000);
const rounds = Number(option('--rounds') ?? 9);
const inFlight = Number(option('--in-flight') ?? 200);

const TEXT = JSON.stringify(MENU_ITEM);
const KEYS = 1_000;

/** An ioredis client that never connects: `get` and `set` resolve at once. */
function stubClient(): Redis {
  const client = new Redis({ lazyConnect: true, enableAutoPipelining: true });
  Object.defineProperty(client, 'status', { get: () => 'ready' });
  Object.assign(client, {
    get: () => Promise.resolve(TEXT),
    set: () => Promise.resolve('OK'),
  });
  return client;
}

const client = stubClient();
const serializer = new JsonSerializer();
const runner = new CommandRunner<Redis>([client], {
  retries: 3,
  delay: () => 10,
  budgetMs: 1_000,
  toCacheError: (error) => error as never,
});
const repository = new RedisRepository(client, { keyPrefix: 'bench:' });
const isOk = (reply: unknown): boolean => reply === 'OK';

const VARIANTS: Record<string, (i: number) => Promise<unknown>> = {
  raw: async (i) => {
    const key = `bench:item:${i % KEYS}`;
    if (i % 2 === 0) return client.set(key, JSON.stringify(MENU_ITEM));
    const text = await client.get(key);
    return text === null ? null : JSON.parse(text);
  },
  '+ serializer': async (i) => {
    const key = `bench:item:${i % KEYS}`;
    if (i % 2 === 0) return client.set(key, serializer.serialize(MENU_ITEM) as string);
    const text = await client.get(key);
    return text === null ? null : serializer.deserialize(text);
  },
  '+ runner': (i) => {
    const key = `bench:item:${i % KEYS}`;
    if (i % 2 === 0) {
      const value = serializer.serialize(MENU_ITEM) as string;
      return runner.send('set', (c) => c.set(key, value)).then(isOk);
    }
    return runner
      .send('get', (c) => c.get(key))
      .then((text) => (text === null ? null : serializer.deserialize(text)));
  },
  RedisRepository: (i) =>
    i % 2 === 0 ? repository.set(`item:${i % KEYS}`, MENU_ITEM) : repository.get(`item:${i % KEYS}`),
};

const names = Object.keys(VARIANTS);
const cpu = new Map<string, number[]>(names.map((name) => [name, []]));
for (let round = 0; round <= rounds; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(k + round) % names.length]!;
    global.gc?.();
    const before = process.cpuUsage();
    await withConcurrency(ops, inFlight, VARIANTS[name]!);
    const used = process.cpuUsage(before);
    if (round > 0) cpu.get(name)!.push((used.user + used.system) / ops);
  }
}

console.info(
  `\nget/set over a stubbed ioredis, ${inFlight} in flight (${ops} ops × ${rounds} rounds): CPU µs per operation`,
);
let previous: number | undefined;
for (const [name, values] of cpu) {
  const value = median(values);
  const added = previous === undefined ? '' : `  (+${(value - previous).toFixed(3)})`;
  console.info(`  ${name.padEnd(16)} ${value.toFixed(3).padStart(7)} µs${added}`);
  previous = value;
}
