import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RedisServerNotFoundError } from './errors.js';

/** The Redis version `.ci/install-redis-8` builds from source: the newest server the tests run on. */
export const REDIS_8_VERSION = '8.0.2';

/**
 * Path of a Redis 8 executable (`redis-server`, or `redis-cli` for `startRedisCluster`'s
 * `cliBinary`), to run the newest commands on (hash-field TTLs need 7.4+; the machines' Debian
 * package is 7.0): in `$FORNO_REDIS_8_BIN` when set, else where `.ci/install-redis-8` builds them,
 * `~/.cache/forno/redis-8.0.2/bin/`. Throws {@link RedisServerNotFoundError}, saying how to build
 * it, when it is not there.
 */
export function redis8Binary(program: 'redis-server' | 'redis-cli' = 'redis-server'): string {
  const folder =
    process.env.FORNO_REDIS_8_BIN ?? join(homedir(), '.cache', 'forno', `redis-${REDIS_8_VERSION}`, 'bin');
  const binary = join(folder, program);
  if (!existsSync(binary)) {
    throw new RedisServerNotFoundError(binary, {
      hint: `Build Redis ${REDIS_8_VERSION} there with \`bash .ci/install-redis-8\` (a minute or two; .ci/run does it).`,
    });
  }
  return binary;
}

/** The version of a `redis-server` executable (`redis-server --version`), as `[major, minor, patch]`. */
export function redisServerVersion(binary = 'redis-server'): readonly [number, number, number] {
  let output: string;
  try {
    output = execFileSync(binary, ['--version'], { encoding: 'utf8' });
  } catch (error) {
    throw new RedisServerNotFoundError(binary, { cause: error });
  }
  const match = /v=(\d+)\.(\d+)\.(\d+)/.exec(output);
  if (match === null) throw new Error(`cannot read the version of ${binary} from: ${output.trim()}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/**
 * Whether a `redis-server` executable has hash-field TTLs (`HPEXPIRE`...: Redis 7.4+): what the
 * contract suite's `hashFieldTtl` option says for a real server.
 */
export function hasHashFieldTtl(binary = 'redis-server'): boolean {
  const [major, minor] = redisServerVersion(binary);
  return major > 7 || (major === 7 && minor >= 4);
}
