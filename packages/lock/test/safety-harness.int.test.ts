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
  },
  120_000,
);
