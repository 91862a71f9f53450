/**
 * `@forno/core/backend`: plumbing for the authors of backends (the Redis drivers), kept out of the
 * main entry that applications import. What both Redis drivers share lives here once: the
 * configuration and its validation, the backoff description, the lock scripts, hash-slot
 * grouping, and the mapping of server replies and connection failures to typed errors.
 */
export {
  type BackoffOptions,
  type BackoffOwner,
  backoffDelay,
  type Jitter,
  type ResolvedBackoff,
  resolveBackoff,
} from './backoff.js';
export {
  type Command,
  type CommandRetry,
  CommandRunner,
  type CommandRunnerDriver,
} from './command-runner.js';
export { connectionFailureOf, type FailureContext } from './connection-failure.js';
export {
  parseNodeAddress,
  type RedisClusterConfig,
  type RedisNodeAddress,
  type RedisRepositoryConfig,
  type RedisRetryPolicyConfig,
  type RedisSentinelConfig,
  type RedisTlsConfig,
  type ResolvedRedisConfig,
  resolveRedisConfig,
} from './driver-config.js';
export {
  assertSameSlot,
  combineSets,
  groupBySlot,
  inFlightLimited,
  type SetOperation,
  type SlotGroup,
  SPLIT_COMMANDS_IN_FLIGHT,
  sameSlot,
} from './hash-slots.js';
export {
  ACQUIRE_SEMAPHORE,
  COMPARE_AND_DELETE,
  COMPARE_AND_EXPIRE,
  EXTEND_SEMAPHORE,
  LOCK_SCRIPTS,
  type LockScriptName,
  RELEASE_SEMAPHORE,
  SET_IF_ABSENT,
  SET_IF_ABSENT_FENCED,
} from './lua-scripts.js';
export { toArgument, toScore, toScored, type ValueReply } from './replies.js';
export { cacheErrorOfReply } from './reply-errors.js';
