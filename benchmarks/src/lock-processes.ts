/**
 * Lock fairness with real OS processes: 8 child processes (a connection each) loop acquire → hold
 * 1 ms → release on one key for a while, per contender; the parent merges their timelines (wall
 * clock with sub-ms resolution: `performance.timeOrigin + performance.now()`, one machine) into
 * the same handoff and fairness figures as the in-process "like 8 processes" case.
 *
 *   cd benchmarks && npx tsx src/lock-processes.ts [--quick]
 */
import { fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { Connections, type ContendedRow, contendedRow, contendedTable, factories } from './lock.js';

const PROCESSES = 8;
const HOLD_MS = 1;
/** Length of each contender's untimed warm-up round, in ms. */
const WARM_UP_MS = 500;
/** Contenders compared across processes (Forno on its default options first). */
const CONTENDERS = [
  'forno',
  'forno-node-redis',
  'forno-semaphore',
  'redis-semaphore',
  'redis-semaphore-semaphore',
  'redlock',
  'raw',
];

/** What a child reports: its label and each hold as [acquired at, released at] (wall clock, ms). */
interface ChildReport {
  readonly name: string;
  readonly holds: [number, number][];
}

const now = () => performance.timeOrigin + performance.now();

/** A round the parent starts in every child at once (children start slowly on a busy machine). */
interface Round {
  readonly contender: string;
  readonly key: string;
  readonly startAt: number;
  readonly endAt: number;
}

/** Runs in a child: connects every contender, says ready, then runs each round it is sent. */
async function child(): Promise<void> {
  const { port } = JSON.parse(process.env.FORNO_LOCK_CHILD!) as { port: number };
  process.on('message', async (round: Round) => {
    const connections = new Connections({ port } as RedisServer, false);
    const worker = await factories[round.contender]!(connections, round.key);
    await sleep(Math.max(0, round.startAt - now()));
    const holds: [number, number][] = [];
    while (now() < round.endAt) {
      const release = await worker.acquire();
      const acquiredAt = now();
      await sleep(HOLD_MS);
      const releasedAt = now();
      await release();
      holds.push([acquiredAt, releasedAt]);
    }
    await connections.close();
    process.send!({ name: worker.name, holds } satisfies ChildReport);
  });
  process.send!('ready');
}

/** Every contender, one after another, on one server, with the same {@link PROCESSES} children. */
export async function runLockProcessesBenchmark({ quick }: { quick: boolean }): Promise<ContendedRow[]> {
  const server = await startRedisServer({ args: ['--save', '', '--appendonly', 'no'] });
  const env = { ...process.env, FORNO_LOCK_CHILD: JSON.stringify({ port: server.port }) };
  const children = Array.from({ length: PROCESSES }, () =>
    fork(fileURLToPath(import.meta.url), [], { env, execArgv: ['--import', 'tsx'] }),
  );
  try {
    await Promise.all(children.map((c) => new Promise((resolve) => c.once('message', resolve))));
    const runRound = async (contender: string, key: string, ms: number): Promise<ChildReport[]> => {
      const startAt = now() + 1_000; // time for every child to connect
      const round: Round = { contender, key, startAt, endAt: startAt + ms };
      return Promise.all(
        children.map((c) => {
          const report = new Promise<ChildReport>((resolve) =>
            c.once('message', (r) => resolve(r as ChildReport)),
          );
          c.send(round);
          return report;
        }),
      );
    };
    // An untimed round of every contender first: the children's code (drivers, lock paths) is
    // compiled by then, so the contender measured first does not pay for a cold JIT.
    for (const contender of CONTENDERS)
      await runRound(contender, `bench:processes:warm:${contender}`, WARM_UP_MS);
    const rows: ContendedRow[] = [];
    const ms = quick ? 1_000 : 3_000;
    for (const contender of CONTENDERS) {
      rows.push(summarize(await runRound(contender, `bench:processes:${contender}`, ms), ms));
    }
    return rows;
  } finally {
    for (const c of children) c.kill();
    await server.stop();
  }
}

/** Merges the children's timelines: each acquisition's handoff is the time since the previous release. */
function summarize(reports: readonly ChildReport[], ms: number): ContendedRow {
  const events = reports
    .flatMap((report, w) => report.holds.map(([acquiredAt, releasedAt]) => ({ w, acquiredAt, releasedAt })))
    .sort((a, b) => a.acquiredAt - b.acquiredAt);
  const handoffs: number[] = [];
  const toOther: number[] = [];
  for (let i = 1; i < events.length; i++) {
    const handoff = events[i]!.acquiredAt - events[i - 1]!.releasedAt;
    handoffs.push(handoff);
    if (events[i]!.w !== events[i - 1]!.w) toOther.push(handoff);
  }
  const counts = reports.map((report) => report.holds.length);
  return contendedRow(reports[0]!.name, { handoffs, toOther, counts, ms });
}

/** The results as a Markdown table. */
export function formatLockProcessesTable(rows: readonly ContendedRow[]): string {
  return contendedTable(
    `Contended, ${PROCESSES} OS processes (a connection each), one key, hold ${HOLD_MS} ms`,
    rows,
  ).join('\n');
}

if (process.env.FORNO_LOCK_CHILD !== undefined) {
  await child();
} else if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await runLockProcessesBenchmark({ quick: process.argv.includes('--quick') });
  console.log(formatLockProcessesTable(rows));
}
