import { tracingChannel } from 'node:diagnostics_channel';
import type { CacheEvent, CacheRepository } from '@forno/core';
import { RedisRepository } from '@forno/redis-driver';
import { InMemoryCacheRepository } from '@forno/testing';
import {
  type CaseResult,
  type Contender,
  type ContenderResult,
  compare,
  withConcurrency,
} from '../harness/compare.js';
import { MENU_ITEM } from './fixtures.js';

const KEYS = 1_000;
const IN_FLIGHT = 200;

/**
 * Half writes, half reads of 1,000 keys, `IN_FLIGHT` operations outstanding. Each read follows the
 * write of the same key, so reads hit (after the first round every read hits).
 */
function getSet(repo: CacheRepository) {
  return (ops: number) =>
    withConcurrency(ops, IN_FLIGHT, async (i) => {
      const key = `item:${(i >> 1) % KEYS}`;
      if (i % 2 === 0) await repo.set(key, MENU_ITEM);
      else await repo.get(key);
    });
}

/** The part of ioredis' `CommandTraceContext` the recorder reads, plus the start time it keeps. */
interface TracedCommand {
  command: string;
  result?: unknown;
  error?: unknown;
  startedAt?: number;
}

/**
 * The alternative to Forno's own instrumentation: ioredis' `tracing:ioredis:command:*` diagnostics
 * channels, recorded into the same kind of `CacheMetrics`. It sees Redis commands (not repository
 * operations) of every ioredis client in the process, so it is subscribed only while its own
 * contender runs, to leave the other contenders untraced.
 */
function tracedByDiagnosticsChannel(repo: CacheRepository, record: (event: CacheEvent) => void) {
  const channel = tracingChannel<string, TracedCommand>('ioredis:command');
  const handlers = {
    start(context: TracedCommand) {
      context.startedAt = performance.now();
    },
    end() {},
    asyncStart() {},
    asyncEnd(context: TracedCommand) {
      const durationMs = performance.now() - (context.startedAt ?? 0);
      const operation = context.command;
      if (context.error !== undefined) record({ type: 'operation', operation, outcome: 'error', durationMs });
      else if (operation === 'get') {
        record({
          type: 'operation',
          operation,
          outcome: context.result === null ? 'miss' : 'hit',
          durationMs,
        });
      } else record({ type: 'operation', operation, outcome: 'ok', durationMs });
    },
    error() {},
  };
  const run = getSet(repo);
  return async (ops: number) => {
    channel.subscribe(handlers);
    try {
      await run(ops);
    } finally {
      channel.unsubscribe(handlers);
    }
  };
}

/**
 * A contender that also adds up the process' CPU time (user + system) per operation: on a busy
 * machine wall-clock rounds swing widely, while the client's own CPU cost per operation is steady.
 */
class CpuMeasured implements Contender {
  readonly name: string;
  readonly #run: (ops: number) => Promise<void>;
  #cpuMicros = 0;
  #ops = 0;

  constructor(name: string, run: (ops: number) => Promise<void>) {
    this.name = name;
    this.#run = run;
  }

  async run(ops: number): Promise<void> {
    const before = process.cpuUsage();
    await this.#run(ops);
    const { user, system } = process.cpuUsage(before);
    this.#cpuMicros += user + system;
    this.#ops += ops;
  }

  /** Mean CPU microseconds per operation over every round, warm-up included. */
  get cpuPerOp(): number {
    return this.#cpuMicros / this.#ops;
  }
}

function overheadNote(result: CaseResult, contenders: readonly CpuMeasured[], measured: string): string {
  const percent = (r: ContenderResult) => `${((1 - r.ratio.median) * 100).toFixed(1)}%`;
  const others = result.results.filter((r) => r.name !== result.baseline);
  const base = contenders.find((c) => c.name === result.baseline)!.cpuPerOp;
  const cpu = contenders
    .map((c) => {
      const change = (c.cpuPerOp / base - 1) * 100;
      const extra = c.name === result.baseline ? '' : ` (${change >= 0 ? '+' : ''}${change.toFixed(1)}%)`;
      return `${c.name} ${c.cpuPerOp.toFixed(2)} µs${extra}`;
    })
    .join('; ');
  return [
    `${measured} Throughput overhead (1 − median ratio): ${others.map((r) => `${r.name} ${percent(r)}`).join('; ')}.`,
    `Client CPU per operation (user + system, this process): ${cpu}.`,
  ].join(' ');
}

/**
 * Repository `get`/`set` throughput with metrics off and on, in one run: on Redis (off; on, with
 * the raw-command instrumentation `enableMetrics: true` installs; and the ioredis diagnostics-channel
 * alternative), and on the in-memory fake, where no network hides the cost of recording.
 */
export async function metricsCases(port: number, quick: boolean): Promise<CaseResult[]> {
  const base = { port, keyPrefix: 'bench:', healthCheckInterval: false } as const;
  const off = new RedisRepository(base);
  const on = new RedisRepository({ ...base, enableMetrics: true });
  const traced = new RedisRepository(base);
  // A CacheMetrics for the diagnostics-channel contender (benchmarks do not depend on @forno/metrics).
  const sink = new InMemoryCacheRepository({ enableMetrics: true, metricsPrefix: 'traced' }).metrics!;
  await Promise.all([off.connect(), on.connect(), traced.connect()]);
  const results: CaseResult[] = [];
  try {
    const onRedis = [
      new CpuMeasured('metrics off', getSet(off)),
      new CpuMeasured('metrics on (enableMetrics)', getSet(on)),
      new CpuMeasured(
        'metrics via ioredis diagnostics channel',
        tracedByDiagnosticsChannel(traced, sink.record),
      ),
    ];
    const redis = await compare({
      title: `metrics: get/set on Redis, ${IN_FLIGHT} in flight`,
      ops: quick ? 2_000 : 25_000,
      rounds: quick ? 2 : 31,
      contenders: onRedis,
    });
    const counted = on.metrics!.summary();
    results.push({
      ...redis,
      note: overheadNote(
        redis,
        onRedis,
        `The "on" repository recorded ${counted.totalOperations.toLocaleString('en-US')} operations (hit ratio ${counted.hitRatio.toFixed(3)}).`,
      ),
    });

    const fakeOff = new InMemoryCacheRepository({ keyPrefix: 'bench:' });
    const fakeOn = new InMemoryCacheRepository({ keyPrefix: 'bench:', enableMetrics: true });
    const onFake = [
      new CpuMeasured('metrics off', getSet(fakeOff)),
      new CpuMeasured('metrics on (enableMetrics)', getSet(fakeOn)),
    ];
    const fake = await compare({
      title: `metrics: get/set on the in-memory fake, ${IN_FLIGHT} in flight`,
      ops: quick ? 2_000 : 50_000,
      rounds: quick ? 2 : 31,
      contenders: onFake,
    });
    results.push({
      ...fake,
      note: overheadNote(
        fake,
        onFake,
        'No network: the per-operation cost of timing and recording, undiluted.',
      ),
    });
  } finally {
    await Promise.all([off.disconnect(), on.disconnect(), traced.disconnect()]);
  }
  return results;
}
