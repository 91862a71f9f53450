export { type Clock, systemClock } from './clock.js';
export { type Duration, type DurationUnit, describeValue, parseDuration, parseTtl } from './duration.js';
export {
  CacheEntityRepository,
  type CacheEntityRepositoryOptions,
} from './entity/cache-entity-repository.js';
export type { Repository } from './entity/repository.js';
export {
  CacheAuthError,
  CacheError,
  type CacheErrorOptions,
  CacheTimeoutError,
  CacheTlsError,
  CacheUnavailableError,
  CommandError,
  CrossSlotError,
  EntityExistsError,
  EntityNotFoundError,
  ForbiddenOperationError,
  InvalidArgumentError,
  InvalidConfigError,
  isCacheError,
  PayloadTooLargeError,
  ScriptError,
  SerializationError,
  TransactionConflictError,
  toSerializationError,
  UnsupportedCommandError,
  WrongTypeError,
} from './errors.js';
export { compileGlob, escapeGlob, matchGlob } from './glob.js';
export {
  type CacheEvent,
  CacheEventEmitter,
  type CacheEventListener,
  type CacheEventSource,
  type CircuitState,
  type ConnectionStatus,
  type HybridCacheEvent,
  notifySafely,
  type OperationOutcome,
} from './instrumentation.js';
export {
  assertKey,
  fenceKeyOf,
  hashSlotOf,
  hashTagOf,
  queueLockKeysOf,
  releaseChannelOf,
  siblingKeyOf,
  slotCompanionOf,
  WAITERS_MIN_TTL_MS,
  waiterChannelOf,
  waitersKeyOf,
} from './keys.js';
export {
  assertKnownOptions,
  choiceOption,
  durationOption,
  functionOption,
  integerOption,
  numberOption,
  type OptionType,
  strategyOption,
  ttlOption,
} from './options.js';
export { type NodeInfo, parseInfo, sumUsedMemory } from './parse-info.js';
export { hideSecrets, REDACTED, redactUrl } from './redaction.js';
export type { CacheRepository, Lifecycle } from './repository/cache-repository.js';
export type { HashCommands } from './repository/hash-commands.js';
export type { EntriesInput, KeyValueCommands } from './repository/key-value-commands.js';
export type { ListCommands } from './repository/list-commands.js';
export type {
  LockBackend,
  LockPrimitives,
  PubSubCommands,
  SemaphorePrimitives,
} from './repository/lock-primitives.js';
export type {
  CacheBackend,
  ObservableRepository,
  OperationSummary,
  PerformanceSummary,
} from './repository/observable-repository.js';
export type {
  AcquireSemaphoreOptions,
  CompareAndDeleteOptions,
  GetExOptions,
  HashScanOptions,
  KeyType,
  LeaseGrant,
  LexBound,
  ListEnd,
  MemberScanOptions,
  MsetOptions,
  ScanOptions,
  ScoreBound,
  ScoredMember,
  SemaphoreGrant,
  SetIfAbsentOptions,
  SetOptions,
  SubscribeOptions,
  Unsubscribe,
  ZAddOptions,
  ZRangeByLexOptions,
  ZRangeByScoreOptions,
  ZRangeOptions,
} from './repository/options.js';
export { HANDOFF_TOKEN, semaphoreReservationOf } from './repository/options.js';
export type {
  QueueGrant,
  QueueLockKeys,
  QueueLockPrimitives,
  RawQueueLockCommands,
} from './repository/queue-lock-primitives.js';
export {
  defineScript,
  isScript,
  type Script,
  type ScriptCommands,
  type ScriptDefinition,
  type ScriptReplyMode,
} from './repository/script.js';
export type { SetCommands } from './repository/set-commands.js';
export type { SortedSetCommands } from './repository/sorted-set-commands.js';
export type {
  AutoClaimResult,
  BlockOptions,
  PendingEntry,
  PendingSummary,
  StreamCommands,
  StreamEntry,
  StreamTrimOptions,
  XAddOptions,
  XAutoClaimOptions,
  XGroupCreateOptions,
  XPendingOptions,
  XRangeOptions,
  XReadGroupOptions,
  XReadOptions,
} from './repository/stream-commands.js';
export {
  TRANSACTION_COMMANDS,
  type TransactionalCommands,
  type TransactionCommandName,
  type TransactionCommands,
  type TransactionResult,
  type WatchScope,
} from './repository/transaction-commands.js';
export { seededRandom } from './seeded-random.js';
export type { Serializer } from './serializer.js';
export {
  assertInteger,
  assertIntegerAtLeast,
  assertNonEmptyString,
  assertNotEmpty,
  assertOptions,
  assertSafeField,
  assertScore,
  assertWellFormed,
  formatScore,
  formatScoreBound,
  isWellFormedText,
  parseScore,
  recordFromPairs,
} from './validation.js';
