import { expect, it } from 'vitest';
import { formatSafetyReport, runSafetyHarness } from '../harness/run-harness.js';

it.each([
  ['ioredis', 'standalone'],
  ['node-redis', 'standalone'],
  ['node-redis', 'cluster'],
] as const)(
  'the lock-safety harness on the %s driver, %s (4 processes, SIGSTOPped holders, a redis restart) loses no update',
  async (driver, topology) => {
    const report = await runSafetyHarness({ workers: 4, phaseMs: 1_500, pauses: 2, driver, topology });
    console.log(formatSafetyReport(report));
    expect(report.lostUpdates).toBe(0);
    expect(report.fenceOrderViolations).toBe(0);
    expect(report.acceptedWrites).toBeGreaterThan(50);
    expect(report.finalCounter).toBe(report.acceptedWrites);
    // Each paused holder woke up after its lease and tried to write: fencing refused it.
    expect(report.refusedStaleWrites + report.refusedStaleReads).toBeGreaterThanOrEqual(report.pausedHolders);
    expect(report.redisRestarts).toBe(1);
    expect(report.overlapViolations).toBe(0);
  },
  120_000,
);

it.each([
  ['fair', 'node-redis'],
  ['read-write', 'ioredis'],
  ['semaphore', 'ioredis'],
] as const)(
  'the harness on the %s primitive (%s, 4 processes, SIGSTOPped holders, a redis restart): no lost update, no overlap',
  async (primitive, driver) => {
    const report = await runSafetyHarness({
      workers: 4,
      phaseMs: 800,
      pauses: 2,
      driver,
      primitive,
      limit: 2,
    });
    console.log(formatSafetyReport(report));
    expect(report.lostUpdates).toBe(0);
    expect(report.fenceOrderViolations).toBe(0);
    expect(report.overlapViolations).toBe(0);
    expect(report.auditedHoldings).toBeGreaterThan(30);
    expect(report.pausedHolders).toBe(2);
    expect(report.redisRestarts).toBe(1);
    if (primitive !== 'semaphore') {
      expect(report.acceptedWrites).toBeGreaterThan(10);
      expect(report.finalCounter).toBe(report.acceptedWrites);
    }
  },
  120_000,
);
