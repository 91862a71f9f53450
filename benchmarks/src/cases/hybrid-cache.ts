import { MsgpackSerializer } from '@forno/serialization/msgpack';
import { type CaseResult, compare, median, withConcurrency } from '../harness/compare.js';
import type { TableResult } from '../harness/report.js';
import { MENU_ITEM } from './fixtures.js';
import { startChildren } from './hybrid/children.js';
import { fornoCache, openPeer, type Peer, type PeerName } from './hybrid/peers.js';

const IN_FLIGHT = 200;
const HOT_KEY = 'menu:margherita';

/**
 * Hot-key `getOrSet` (always an L1 hit after the first call), 200 in flight, in one run: Forno's
 * HybridCache, BentoCache with a memory L1 over Redis, cache-manager's `wrap` over Keyv Redis.
 * Besides the ratio to BentoCache, the note gives Forno ÷ cache-manager per round.
 */
export async function hybridHotKeyCase(port: number, quick: boolean): Promise<CaseResult> {
  const forno = await openPeer('forno', port);
  const bento = await openPeer('bentocache', port);
  const manager = await openPeer('cache-manager', port);
  const load = async () => MENU_ITEM;
  const perRound = new Map<string, number[]>();
  const timed = (name: string, peer: Peer) => ({
    name,
    run: async (n: number) => {
      const started = performance.now();
      await withConcurrency(n, IN_FLIGHT, () => peer.getOrSet(HOT_KEY, load));
      const rates = perRound.get(name) ?? [];
      rates.push(n / (performance.now() - started));
      perRound.set(name, rates);
    },
  });
  try {
    const result = await compare({
      title: `hybrid cache: hot-key getOrSet (L1 hit), ${IN_FLIGHT} in flight`,
      ops: quick ? 2_000 : 200_000,
      rounds: quick ? 2 : 9,
      baseline: 'BentoCache getOrSet (memory L1 + Redis)',
      contenders: [
        timed('Forno HybridCache getOrSet (L1 + Redis)', forno),
        timed('BentoCache getOrSet (memory L1 + Redis)', bento),
        timed('cache-manager wrap (Keyv Redis)', manager),
      ],
    });
    // The first (warm-up) round is not measured by compare(): drop it here too.
    const [fornoRates, managerRates] = [
      perRound.get(result.results[0]!.name)!,
      perRound.get(result.results[2]!.name)!,
    ];
    const vsManager = median(fornoRates.slice(1).map((rate, i) => rate / managerRates[i + 1]!));
    return {
      ...result,
      note: `Forno ÷ cache-manager per round: median ${vsManager.toFixed(2)}×. Every read is an L1 hit after the first: Forno answers from its in-process layer (a Map lookup and a freshness check; plain values are deep-frozen once, so no copy per hit), BentoCache from its memory driver, cache-manager coalesces concurrent calls of one key into one Redis GET.`,
    };
  } finally {
    await Promise.all([forno.close(), bento.close(), manager.close()]);
  }
}

/**
 * What protecting L1 from callers costs per hit: Forno's two paths (a plain value deep-frozen
 * once; a MessagePack value with a Date decoded for each caller), `structuredClone` per hit (the
 * "cloned" alternative) and no protection at all (one shared object, as BentoCache's L1 hands out).
 */
export async function hybridHandoutCase(port: number, quick: boolean): Promise<CaseResult> {
  const plain = await fornoCache(port);
  const binary = await fornoCache(port, {}, new MsgpackSerializer());
  const dated = { ...MENU_ITEM, updatedAt: new Date(MENU_ITEM.updatedAt) };
  const shared = new Map([[HOT_KEY, dated]]);
  await plain.cache.set(HOT_KEY, MENU_ITEM);
  await binary.cache.set(HOT_KEY, dated);
  const load = () => MENU_ITEM;
  try {
    const result = await compare({
      title: 'hybrid cache: what an L1 hit hands out (in process)',
      ops: quick ? 2_000 : 300_000,
      rounds: quick ? 2 : 9,
      baseline: 'shared object (no protection)',
      contenders: [
        {
          name: 'shared object (no protection)',
          run: (n) => withConcurrency(n, IN_FLIGHT, async () => shared.get(HOT_KEY)),
        },
        {
          name: 'Forno: plain value, deep-frozen once',
          run: (n) => withConcurrency(n, IN_FLIGHT, () => plain.cache.getOrSet(HOT_KEY, load)),
        },
        {
          name: 'Forno: MessagePack value with a Date, copied per hit',
          run: (n) => withConcurrency(n, IN_FLIGHT, () => binary.cache.getOrSet(HOT_KEY, load)),
        },
        {
          name: 'structuredClone per hit (the value with a Date)',
          run: (n) => withConcurrency(n, IN_FLIGHT, async () => structuredClone(shared.get(HOT_KEY))),
        },
      ],
    });
    return {
      ...result,
      note: 'The same ~150-byte menu item. Freezing costs one walk of the value when it enters L1 (a factory result, a set, an L2 read), never per hit.',
    };
  } finally {
    await Promise.all([plain.close(), binary.close()]);
  }
}

/**
 * A cold-key storm: 4 processes × 250 concurrent callers of one key whose factory takes 200 ms,
 * for each library; counts the factory runs. Forno uses `stampede: 'distributed'`.
 */
export async function hybridStormTable(port: number, quick: boolean): Promise<TableResult> {
  const processes = 4;
  const callers = quick ? 25 : 250;
  const rounds = quick ? 1 : 3;
  const rows: (string | number)[][] = [];
  for (const peer of ['forno', 'bentocache', 'cache-manager'] as PeerName[]) {
    const children = await startChildren(
      Array.from({ length: processes }, () => ['storm', peer, String(port)]),
    );
    try {
      const calls: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const counts = await Promise.all(
          children.map((child) =>
            child.call<number>({ op: 'go', key: `storm:${peer}:${round}`, callers, factoryMs: 200 }),
          ),
        );
        calls.push(counts.reduce((sum, count) => sum + count, 0));
      }
      rows.push([peer, `${processes} × ${callers}`, calls.join(', ')]);
    } finally {
      await Promise.all(children.map((child) => child.stop()));
    }
  }
  return {
    title: 'hybrid cache: cold-key storm, factory calls (4 processes)',
    columns: ['library', 'processes × callers', `factory calls per storm (${rounds} storms)`],
    rows,
    note: 'Each storm is a new key: 4 processes call getOrSet on it at once, 250 callers each, with a factory that takes 200 ms. 1 is the aim; one per process is in-process coalescing only.',
  };
}

/**
 * Bus propagation: process A `set`s a key that process B holds in L1; the time from A's write
 * resolving to B's `get` returning the new value (both clocks are the machine's monotonic clock).
 */
export async function hybridPropagationTable(port: number, quick: boolean): Promise<TableResult> {
  const [writer, reader] = await startChildren([
    ['forno', String(port)],
    ['forno', String(port)],
  ]);
  const writes = quick ? 20 : 500;
  const latencies: number[] = [];
  try {
    await writer!.call({ op: 'set', key: 'propagation', value: 0 });
    await reader!.call({ op: 'watch', key: 'propagation', value: 0 });
    for (let value = 1; value <= writes; value++) {
      const seen = reader!.call<string>({ op: 'watch', key: 'propagation', value });
      const written = await writer!.call<string>({ op: 'set', key: 'propagation', value });
      latencies.push(Math.max(0, Number(BigInt(await seen) - BigInt(written)) / 1e6));
    }
  } finally {
    await Promise.all([writer!.stop(), reader!.stop()]);
  }
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    `${latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2)} ms`;
  return {
    title: 'hybrid cache: bus propagation across processes',
    columns: ['writes', 'p50', 'p90', 'p99', 'max'],
    rows: [[writes, at(0.5), at(0.9), at(0.99), `${latencies.at(-1)!.toFixed(2)} ms`]],
    note: 'From `set` resolving in process A (L2 written, invalidation published) to process B’s `get` returning the new value, B having held the old one in L1; B polls with setImmediate. Loopback, one redis-server.',
  };
}
