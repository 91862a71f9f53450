/**
 * Outage tests of `ResilientCacheRepository` over `RedisRepository` on a real redis-server, under
 * a steady load of ~1,000 mixed operations per second: the server is frozen (SIGSTOP) for 3 s, or
 * killed and restarted on the same port. They live here rather than in @forno/resilience because
 * that package cannot depend on the Redis driver (the driver depends on it).
 *
 * Run: pnpm --filter @forno/redis-driver exec vitest run test/resilient-repository.outage.int.test.ts
 * (with OUTAGE_DEBUG=1 it also prints the slowest operations).
 */
import { CircuitBreakerPolicy, ResilientCacheRepository } from '@forno/resilience';
import {
  formatSlowest,
  formatSummary,
  OperationLoad,
  type OutageBudgets,
  type OutageSummary,
  type OutageTimeline,
  summarize,
  type Transition,
} from '@forno/testing/faults';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { describe, expect, it } from 'vitest';
import { RedisRepository } from '../src/redis-repository.js';
import { outageOperations, warmUp } from './outage-operations.js';

const COMMAND_TIMEOUT_MS = 500;
const RECOVERY_TIMEOUT_MS = 1_000;
const BUDGETS: OutageBudgets = {
  latencyMs: COMMAND_TIMEOUT_MS + 300,
  // recoveryTimeout + one probe, a probe taking at most the per-operation budget.
  closeMs: RECOVERY_TIMEOUT_MS + COMMAND_TIMEOUT_MS + 300,
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Scenario {
  readonly title: string;
  fault(server: RedisServer): Promise<void>;
  recover(server: RedisServer): Promise<void>;
}

async function runOutage(scenario: Scenario): Promise<{ summary: OutageSummary; finalState: string }> {
  const server = await startRedisServer();
  const redis = new RedisRepository({
    port: server.port,
    keyPrefix: 'outage:',
    commandTimeout: `${COMMAND_TIMEOUT_MS}ms`,
    connectTimeout: '1s',
    healthCheckInterval: false,
    retryPolicy: { retries: 1, retryDelay: '20ms', maxRetryDelay: '100ms' },
  });
  const breaker = new CircuitBreakerPolicy({
    failureThreshold: 5,
    recoveryTimeout: `${RECOVERY_TIMEOUT_MS}ms`,
    successThreshold: 3,
  });
  const repo = new ResilientCacheRepository(redis, {
    breaker,
    timeout: `${COMMAND_TIMEOUT_MS}ms`,
    fallback: { max: 1_000 },
  });
  const load = new OperationLoad({
    ratePerSecond: 1_000,
    seed: 42,
    next: outageOperations(repo),
    circuit: () => breaker.state,
  });
  const transitions: Transition[] = [];
  breaker.onStateChange((state, previous) => transitions.push({ at: load.now(), state, previous }));
  let unhandled = 0;
  const onUnhandled = () => {
    unhandled += 1;
  };
  process.on('unhandledRejection', onUnhandled);
  let timeline: OutageTimeline;
  try {
    await redis.connect();
    await warmUp(repo);
    load.start();
    await sleep(2_000);
    const faultAt = load.now();
    await scenario.fault(server);
    await sleep(3_000);
    await scenario.recover(server);
    const recoveredAt = load.now();
    timeline = { faultAt, recoveredAt };
    await sleep(3_000);
    await load.stop(BUDGETS.latencyMs + 2_000);
    await sleep(100); // let any stray rejection surface before counting
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await redis.disconnect().catch(() => undefined);
    await server.stop();
  }
  const summary = summarize(load.records, transitions, timeline, BUDGETS, unhandled);
  if (process.env.OUTAGE_DEBUG) console.info(formatSlowest(load.records, 15));
  console.info(`${formatSummary(scenario.title, summary, timeline, BUDGETS)}\n`);
  return { summary, finalState: breaker.state };
}

/** Every item of the "Must show" list. */
function assertSurvived({ summary: s, finalState }: { summary: OutageSummary; finalState: string }): void {
  expect(
    s.opsPerSecond,
    'a steady load (~1,000 ops/s; loose: this only checks the load ran)',
  ).toBeGreaterThan(500);
  expect(s.maxLatencyMs, 'no operation took longer than commandTimeout + 300 ms').toBeLessThanOrEqual(
    BUDGETS.latencyMs,
  );
  expect(s.overBudget).toBe(0);
  expect(
    s.transitions.map((t) => t.state),
    'the breaker opened',
  ).toContain('open');
  expect(s.readsWhileOpen, 'reads were made while the circuit was open').toBeGreaterThan(0);
  expect(
    s.fallbackWhileOpen + s.redisWhileOpen,
    'every read while open was answered: from the fallback, or by Redis once the circuit turned half-open',
  ).toBe(s.readsWhileOpen);
  expect(
    s.redisWhileOpen,
    'Redis answered only at the boundary of a half-open transition',
  ).toBeLessThanOrEqual(5);
  expect(s.fallbackWhileOpen, 'reads were served from the fallback').toBeGreaterThan(0);
  expect(s.closedAfterRecoveryMs, 'the breaker closed after recovery').toBeDefined();
  expect(s.closedAfterRecoveryMs!, 'within recoveryTimeout + one probe').toBeLessThanOrEqual(BUDGETS.closeMs);
  expect(finalState).toBe('closed');
  expect(s.unhandledRejections, 'zero unhandled rejections').toBe(0);
  const rejected = Object.values(s.writesRejected).reduce((a, b) => a + b, 0);
  expect(s.untyped + s.pending, 'no untyped error, nothing left hanging').toBe(0);
  expect(s.writesAcknowledged + rejected, 'every write acknowledged or rejected with a typed error').toBe(
    s.writes,
  );
  expect(rejected, 'writes were refused during the outage').toBeGreaterThan(0);
}

describe('ResilientCacheRepository over RedisRepository: real outages under ~1,000 ops/s', () => {
  it('A: the server freezes (SIGSTOP) for 3 s, then resumes (SIGCONT)', async () => {
    assertSurvived(
      await runOutage({
        title: 'Scenario A: SIGSTOP for 3 s, then SIGCONT',
        fault: (server) => server.pause(),
        recover: (server) => server.resume(),
      }),
    );
  });

  it('B: the server is killed (SIGKILL), then restarted on the same port', async () => {
    assertSurvived(
      await runOutage({
        title: 'Scenario B: SIGKILL, down 3 s, restarted on the same port',
        fault: (server) => server.kill(),
        recover: (server) => server.restart(),
      }),
    );
  });
});
