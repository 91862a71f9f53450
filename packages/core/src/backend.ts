/**
 * `@forno/core/backend`: the plumbing for authors of a backend (a driver, a fake) or of a
 * repository decorator. An application needs none of it: it uses `@forno/core`'s interfaces.
 *
 * - {@link RawCommands}: what a backend implements, one group per Redis data type.
 * - {@link BaseCacheRepository}: turns raw commands into a `CacheRepository` (validation, key
 *   prefixes, serialization, result shapes), written once for every backend.
 * - {@link COMMAND_TABLE}: one row per command (read or write, idempotent or not, keys, fallback
 *   mirror treatment, metric kind); retries, instrumentation, the mirror and forwarding read it.
 * - {@link CacheRepositoryDecorator}: the base of a wrapper that intercepts every command and
 *   forwards what can be observed.
 * - {@link instrumentRawCommands}: times a backend's raw commands for metrics (`enableMetrics`).
 * - What both Redis drivers share (`backend/`): their configuration and its validation
 *   ({@link resolveRedisConfig}), a plain backoff description ({@link backoffDelay}), the
 *   {@link CommandRunner} that gives every operation its deadline and retries idempotent commands,
 *   the lock scripts ({@link LOCK_SCRIPTS}), hash-slot grouping, reply decoding, and the mapping of
 *   server replies and connection failures to typed errors.
 *
 * @module
 */

export {
  type BackoffOptions,
  type BackoffOwner,
  backoffDelay,
  type Jitter,
  type ResolvedBackoff,
  resolveBackoff,
} from './backend/backoff.js';
export {
  type Command,
  type CommandRetry,
  CommandRunner,
  type CommandRunnerDriver,
} from './backend/command-runner.js';
export { connectionFailureOf, type FailureContext } from './backend/connection-failure.js';
export { worstStatus } from './backend/connection-status.js';
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
} from './backend/driver-config.js';
export { type ExecOutcome, type QueuedReply, settleExecReplies } from './backend/exec-replies.js';
export {
  assertSameSlot,
  combineSets,
  groupBySlot,
  inFlightLimited,
  mgetBySlot,
  type SetOperation,
  type SlotGroup,
  sameSlot,
} from './backend/hash-slots.js';
export { type HealthListener, HealthMonitor, type HealthState } from './backend/health-monitor.js';
export {
  ACQUIRE_SEMAPHORE,
  COMPARE_AND_DELETE,
  COMPARE_AND_EXPIRE,
  EXTEND_SEMAPHORE,
  LOCK_SCRIPTS,
  type LockScriptName,
  MAX_WAITERS_TOLD,
  RELEASE_SEMAPHORE,
  releaseScriptInput,
  SET_IF_ABSENT,
  SET_IF_ABSENT_FENCED,
  shardedArgOf,
} from './backend/lua-scripts.js';
export {
  ACQUIRE_FAIR_LOCK,
  ACQUIRE_READ_LOCK,
  ACQUIRE_WRITE_LOCK,
  LEAVE_LOCK_QUEUE,
  QUEUE_LOCK_SCRIPTS,
} from './backend/queue-lock-scripts.js';
export {
  cursorPages,
  hashFieldArguments,
  toArgument,
  toFieldValuePairs,
  toFloat,
  toLexArgument,
  toScore,
  toScored,
  type ValueReply,
} from './backend/replies.js';
export { cacheErrorOfReply } from './backend/reply-errors.js';
export {
  assertScriptKeysShareSlot,
  evalScriptWith,
  evalShaThenEval,
  isNoScriptError,
} from './backend/script-eval.js';
export {
  countArguments,
  xaddArguments,
  xpendingArguments,
  xrangeArguments,
  xreadArguments,
  xreadgroupArguments,
} from './backend/stream-arguments.js';

export {
  falseOnBusyGroup,
  toAutoClaim,
  toPendingEntries,
  toPendingSummary,
  toStreamEntries,
  toStreamReadEntries,
  toStreamReads,
  toText,
  trimArguments,
} from './backend/stream-replies.js';
export { BaseCacheRepository, type BaseCacheRepositoryOptions } from './repository/base-cache-repository.js';
export { assertCacheRepository, CacheRepositoryDecorator } from './repository/cache-repository-decorator.js';
export {
  type AcknowledgedValue,
  COMMAND_NAMES,
  COMMAND_TABLE,
  type CommandAccess,
  type CommandName,
  type CommandRow,
  commandRow,
  isCommandIdempotent,
  isIdempotent,
  keysOfCall,
  type MetricKind,
  type MirrorTreatment,
} from './repository/command-table.js';
export {
  type CommandInvoker,
  callCommand,
  type ForwardedCommands,
  ForwardingCommands,
  ITERATOR_COMMANDS,
  type IteratorCommand,
  REPOSITORY_COMMANDS,
  type RepositoryCommand,
} from './repository/forwarding-commands.js';
export {
  type InstrumentRawCommandsOptions,
  instrumentRawCommands,
  type OperationKind,
  RAW_OPERATIONS,
  type ReportedOperation,
} from './repository/instrument-raw-commands.js';
export type { QueueLockKeys, RawQueueLockCommands } from './repository/queue-lock-primitives.js';
export type {
  RawCall,
  RawCommandName,
  RawCommands,
  RawHashCommands,
  RawKey,
  RawLexBound,
  RawLimit,
  RawListCommands,
  RawLockCommands,
  RawScored,
  RawScriptCommands,
  RawScriptReply,
  RawServerCommands,
  RawSetCommands,
  RawSetOptions,
  RawSortedSetCommands,
  RawStringCommands,
  RawTransactionCommands,
  RawValue,
  RawWatch,
  ReleaseNotice,
  WaiterRegistration,
} from './repository/raw-commands.js';
export type {
  RawAutoClaim,
  RawStreamCommands,
  RawStreamEntry,
  RawStreamRead,
  RawStreamTrim,
} from './repository/raw-stream-commands.js';
