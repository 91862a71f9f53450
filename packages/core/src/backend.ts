/**
 * `@forno/core/backend`: the plumbing for authors of a backend (a driver, a fake) or of a
 * repository decorator. An application needs none of it: it uses `@forno/core`'s interfaces.
 *
 * - {@link RawCommands}: what a backend implements, one group per Redis data type.
 * - {@link BaseCacheRepository}: turns raw commands into a `CacheRepository` (validation, key
 *   prefixes, serialization, result shapes), written once for every backend.
 * - {@link COMMAND_TABLE}: one row per command (read or write, idempotent or not, keys, fallback
 *   mirror treatment, metric kind); retries, instrumentation, the mirror and forwarding read it.
 * - {@link CacheRepositoryDecorator}: the base of a wrapper that intercepts every command.
 *
 * @module
 */
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
  REPOSITORY_COMMANDS,
  type RepositoryCommand,
} from './repository/forwarding-commands.js';
export {
  INSTRUMENTED_OPERATIONS,
  type InstrumentedOperation,
  type InstrumentRepositoryOptions,
  instrumentRepository,
  type OperationKind,
} from './repository/instrument-repository.js';
export type {
  RawCommandName,
  RawCommands,
  RawHashCommands,
  RawKey,
  RawLimit,
  RawListCommands,
  RawLockCommands,
  RawScored,
  RawServerCommands,
  RawSetCommands,
  RawSetOptions,
  RawSortedSetCommands,
  RawStringCommands,
  RawValue,
} from './repository/raw-commands.js';
