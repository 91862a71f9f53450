#!/usr/bin/env -S node --enable-source-maps
/**
 * The files and functions of Forno's sources that one call runs through, for the closing notes of
 * layering work: `RedisRepository.get` (a hit, on a redis-server this script starts on a free
 * port), `InMemoryCacheRepository.get` (a hit), and `DistributedLock.acquire()` uncontended,
 * contended (another client holds the lock and releases it while the call waits: wait, wake, claim)
 * and timed out (the lock stays held past `waitTimeout`). The contended figures include the
 * holder's release, which runs in the same process.
 * Method: V8 precise coverage with call counts, reset after five warm-up calls and taken right after
 * one more; every function of a built `packages/*\/dist` file that ran is mapped back to its source
 * file and line through the source maps. Dependencies (ioredis) are not counted.
 *
 *   pnpm build && node --enable-source-maps scripts/call-path.mjs [repository root]
 */
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { findSourceMap } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = process.argv[2] ?? join(import.meta.dirname, '..');
const pkg = (name, entry = 'index') =>
  import(pathToFileURL(`${root}/packages/${name}/dist/${entry}.js`).href);
const { createRedisRepository } = await pkg('redis-driver');
const { InMemoryCacheRepository } = await pkg('testing');
const { startRedisServer } = await pkg('testing', 'servers');
const { DistributedLock, LockTimeoutError } = await pkg('lock');

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });

function lineCol(text, offset) {
  let line = 0,
    last = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return [line, offset - last - 1];
}

async function measure(label, run, cleanup = async () => {}) {
  for (let i = 0; i < 5; i++) await cleanup(await run()); // warm up (lazy compilation, first connections)
  await session.post('Profiler.takePreciseCoverage'); // resets the counters
  const value = await run();
  const { result } = await session.post('Profiler.takePreciseCoverage');
  await cleanup(value);
  const files = new Map();
  for (const script of result) {
    if (!script.url.includes('/packages/') || !script.url.includes('/dist/')) continue;
    const path = fileURLToPath(script.url);
    const text = readFileSync(path, 'utf8');
    const map = findSourceMap(path);
    for (const fn of script.functions) {
      const range = fn.ranges[0];
      if (range.count === 0 || (range.startOffset === 0 && fn.functionName === '')) continue;
      const [line, col] = lineCol(text, range.startOffset);
      const entry = map?.findEntry(line, col);
      const source = (entry?.originalSource ?? path).replace(/^.*\/packages\//, '').replace(/^file:\/\//, '');
      if (!files.has(source)) files.set(source, new Set());
      files.get(source).add(`${fn.functionName || '(anonymous)'}@${(entry?.originalLine ?? line) + 1}`);
    }
  }
  const functions = [...files.values()].reduce((n, s) => n + s.size, 0);
  console.log(`\n${label}: ${files.size} files, ${functions} functions`);
  for (const [file, fns] of [...files].sort()) console.log(`  ${file}: ${[...fns].join(', ')}`);
}

const server = await startRedisServer();
const redis = createRedisRepository({ port: server.port, healthCheckInterval: false });
const holder = createRedisRepository({ port: server.port, healthCheckInterval: false });
await redis.connect();
await holder.connect();
await redis.set('k', { v: 1 });
const memory = new InMemoryCacheRepository();
await memory.connect();
await memory.set('k', { v: 1 });
try {
  await measure("RedisRepository.get('k') (hit)", () => redis.get('k'));
  await measure("InMemoryCacheRepository.get('k') (hit)", () => memory.get('k'));
  await measure(
    "new DistributedLock(redis, 'k').acquire() (uncontended)",
    () => new DistributedLock(redis, 'lock:k').acquire(),
    (held) => held.release(),
  );
  await measure(
    "new DistributedLock(redis, 'k').acquire() (contended: waits, wakes on the release, claims)",
    async () => {
      const held = await new DistributedLock(holder, 'lock:c').acquire();
      setTimeout(() => held.release(), 30);
      return new DistributedLock(redis, 'lock:c').acquire();
    },
    (lock) => lock.release(),
  );
  await measure(
    "new DistributedLock(redis, 'k', { waitTimeout: 30 }).acquire() (held elsewhere: times out)",
    async () => {
      const held = await new DistributedLock(holder, 'lock:t').acquire();
      const error = await new DistributedLock(redis, 'lock:t', { waitTimeout: 30 }).acquire().catch((e) => e);
      if (!LockTimeoutError.is(error)) throw new Error('expected LockTimeoutError', { cause: error });
      return held;
    },
    (held) => held.release(),
  );
} finally {
  await redis.disconnect();
  await holder.disconnect();
  await memory.disconnect();
  await server.stop();
}
