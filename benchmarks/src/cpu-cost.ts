import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { startRedisServer } from '@forno/testing/servers';
import {
  GET_SET_CONTENDERS,
  type GetSetContender,
  type GetSetContenderName,
  openGetSetContender,
} from './cases/get-set-contenders.js';
import { median, withConcurrency } from './harness/compare.js';

/**
 * `pnpm bench:cpu` — the CPU cost of one get/set operation through each Forno driver and each raw
 * client (the contenders of the get/set case), a figure that holds up on a loaded machine where
 * wall-clock ratios do not: a contender that waits for the CPU is slower but costs no more CPU.
 *
 * CPU µs per operation = `process.cpuUsage()` (user + system) of this process over a run, divided
 * by its operations; Redis runs in its own process and is not counted. Contenders run in alternating
 * rounds (order rotating), and each driver's cost is compared with its raw client's **in the same
 * round**: the median of those per-round ratios is the figure (1.00 = no overhead; lower is
 * cheaper), with wall-clock ops/s alongside.
 *
 * Options: `--ops N` per run (default 20,000), `--rounds N` (default 7, plus a warm-up round),
 * `--in-flight 1,200` (default both), `--only <substring>[,<substring>]` to run some contenders only, and
 * `--profile <file.cpuprofile>`: a V8 CPU profile of the measured rounds only (no start-up, no
 * warm-up), for Chrome DevTools. Tried and dropped: instruction counts under
 * `valgrind --tool=callgrind`, by the difference of two runs of N and 2N operations — at the op
 * counts valgrind can run in minutes, JIT and GC work differ between the runs by more than the
 * operations cost, so the difference was not even positive.
 */
const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = argv.indexOf(name);
  return at === -1 ? undefined : argv[at + 1];
};
const inFlightLevels = (option('--in-flight') ?? '1,200').split(',').map(Number);
const only = option('--only');
const contenders = GET_SET_CONTENDERS.filter(
  (name) => only === undefined || only.split(',').some((part) => name.includes(part)),
);
/** Each Forno driver and the raw client it runs on. */
const DRIVER_PAIRS: ReadonlyArray<readonly [GetSetContenderName, GetSetContenderName]> = [
  ['Forno RedisRepository', 'raw ioredis + JSON'],
  ['Forno NodeRedisRepository', 'node-redis + JSON'],
];

const server = await startRedisServer();
try {
  await cpuTable(server.port, Number(option('--ops') ?? 20_000), Number(option('--rounds') ?? 7));
} finally {
  await server.stop();
}

/** CPU µs per operation, median of alternating rounds, one line per contender and in-flight level. */
async function cpuTable(port: number, ops: number, rounds: number): Promise<void> {
  const open: GetSetContender[] = [];
  try {
    for (const name of contenders) open.push(await openGetSetContender(name, port));
    const profile = option('--profile');
    const session = profile === undefined ? undefined : new Session();
    for (const inFlight of inFlightLevels) {
      /** Per contender, per measured round: CPU µs per op and ops/s. */
      const cpu = new Map<GetSetContenderName, number[]>(open.map((c) => [c.name, []]));
      const rates = new Map<GetSetContenderName, number[]>(open.map((c) => [c.name, []]));
      for (let round = 0; round <= rounds; round++) {
        if (round === 1 && session !== undefined) await startProfile(session);
        for (let k = 0; k < open.length; k++) {
          const contender = open[(k + round) % open.length]!;
          global.gc?.();
          const before = process.cpuUsage();
          const started = performance.now();
          await withConcurrency(ops, inFlight, (i) => contender.op(i));
          const seconds = (performance.now() - started) / 1_000;
          const used = process.cpuUsage(before);
          if (round > 0) {
            cpu.get(contender.name)!.push((used.user + used.system) / ops);
            rates.get(contender.name)!.push(ops / seconds);
          }
        }
      }
      if (session !== undefined) {
        const { profile: taken } = await session.post('Profiler.stop');
        const file =
          inFlightLevels.length === 1 ? profile! : profile!.replace(/(\.cpuprofile)?$/, `-${inFlight}$1`);
        writeFileSync(file, JSON.stringify(taken));
      }
      console.info(`\nget/set, ${inFlight} in flight (${ops} ops × ${rounds} rounds): CPU µs per operation`);
      for (const [name, values] of cpu) {
        const sorted = [...values].sort((a, b) => a - b);
        console.info(
          `  ${name.padEnd(26)} ${median(values).toFixed(2).padStart(7)} µs (min ${sorted[0]!.toFixed(2)}, max ${sorted.at(-1)!.toFixed(2)})` +
            `  ${Math.round(median(rates.get(name)!))
              .toLocaleString('en')
              .padStart(7)} ops/s`,
        );
      }
      for (const [forno, raw] of DRIVER_PAIRS) {
        if (!cpu.has(forno) || !cpu.has(raw)) continue;
        const paired = (series: Map<GetSetContenderName, number[]>) =>
          median(series.get(forno)!.map((value, round) => value / series.get(raw)![round]!));
        console.info(
          `  ${forno} ÷ ${raw}, per-round median: CPU per op ${paired(cpu).toFixed(3)}, ops/s ${paired(rates).toFixed(3)}`,
        );
      }
    }
  } finally {
    for (const contender of open) await contender.close();
  }
}

/** Starts the V8 profiler on `session` (connecting it first), sampling every 100 µs. */
async function startProfile(session: Session): Promise<void> {
  try {
    session.connect();
  } catch {
    // already connected: a profile of the previous in-flight level was taken
  }
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
