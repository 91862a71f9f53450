/**
 * `pnpm --filter @forno/lock harness [--quick] [--workers N] [--no-persistence] [--node-redis]
 * [--cluster] [--primitive lock|fair|read-write|semaphore]`: runs the lock-safety harness and exits
 * non-zero on any lost update, fence-order violation or overlap of holders the primitive should keep apart.
 * `--no-persistence` runs Redis without an append-only file: the crash loses the fencing keys, and
 * the audit shows tokens still increasing (they follow the server clock).
 */
import type { HarnessPrimitive } from './protocol.js';
import { formatSafetyReport, runSafetyHarness } from './run-harness.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const workersArg = args.indexOf('--workers');
const workers = workersArg === -1 ? (quick ? 4 : 6) : Number(args[workersArg + 1]);
const primitiveArg = args.indexOf('--primitive');
const primitive = primitiveArg === -1 ? 'lock' : (args[primitiveArg + 1] as HarnessPrimitive);

const report = await runSafetyHarness({
  workers,
  persistence: !args.includes('--no-persistence'),
  driver: args.includes('--node-redis') ? 'node-redis' : 'ioredis',
  topology: args.includes('--cluster') ? 'cluster' : 'standalone',
  phaseMs: quick ? 1_500 : 4_000,
  pauses: quick ? 2 : 4,
  primitive,
  log: (line) => console.log(`· ${line}`),
});
console.log(formatSafetyReport(report));
const unsafe = report.lostUpdates > 0 || report.fenceOrderViolations > 0 || report.overlapViolations > 0;
if (unsafe) console.error('UNSAFE: the lock let updates be lost or fencing tokens go backwards');
process.exitCode = unsafe ? 1 : 0;
