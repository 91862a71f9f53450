import { describeValue, InvalidConfigError, systemClock } from '@forno/core';
import type { RootSettings } from './cache-root.js';
import { assertNamespace } from './keys.js';
import { serializerCodec } from './l1/handout.js';
import {
  CONSTRUCTOR_NAMES,
  durationOf,
  ENTRY_DEFAULTS,
  type HybridCacheOptions,
  type ResolvedEntryOptions,
  resolveEntryOptions,
} from './options.js';

const L1_DEFAULTS = { maxEntries: 10_000, maxTtlMs: 60_000 };
const HEARTBEAT_MS = 1_000;
const TAG_RETENTION_MS = 30 * 86_400_000;

/** Validates the constructor's options (`InvalidConfigError` naming the field) and applies defaults. */
export function resolveCacheOptions(options: HybridCacheOptions): {
  readonly settings: RootSettings;
  readonly defaults: ResolvedEntryOptions;
} {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidConfigError('options', `expected an object, got ${describeValue(options)}`);
  }
  const defaults = resolveEntryOptions(options, ENTRY_DEFAULTS, 'config', CONSTRUCTOR_NAMES);
  const namespace = options.namespace ?? 'cache';
  assertNamespace(namespace, 'options.namespace', 'config');
  const repository = options.repository;
  if (repository !== undefined) {
    const repo = repository as Partial<typeof repository> | null;
    if (
      typeof repo?.get !== 'function' ||
      typeof repo.set !== 'function' ||
      typeof repo.mget !== 'function'
    ) {
      throw new InvalidConfigError(
        'options.repository',
        `expected a CacheRepository, got ${describeValue(repository)}`,
      );
    }
    try {
      serializerCodec(repository.serializer).encode({ v: [1], c: 0 });
    } catch (error) {
      throw new InvalidConfigError(
        'options.repository',
        `its serializer (${repository.serializer?.name}) cannot store objects; the cache keeps each value with its metadata (use JSON or MessagePack)`,
        { cause: error },
      );
    }
  }
  if (defaults.stampede === 'distributed' && repository === undefined) {
    throw new InvalidConfigError('options.stampede', "'distributed' needs a repository to lock on");
  }
  const clock = options.clock ?? systemClock;
  if (typeof clock?.now !== 'function')
    throw new InvalidConfigError('options.clock', 'expected a Clock with now()');
  const invalidation = options.invalidation;
  if (invalidation !== undefined && typeof invalidation?.subscribe !== 'function') {
    throw new InvalidConfigError('options.invalidation', 'expected an InvalidationSource with subscribe()');
  }
  return {
    defaults,
    settings: {
      namespace,
      repository,
      l1: resolveL1(options.l1),
      heartbeatMs: resolveBus(options.bus, repository),
      invalidation,
      tagRetentionMs:
        options.tagRetention === undefined
          ? TAG_RETENTION_MS
          : durationOf(options.tagRetention, 'options.tagRetention', 'config', true),
      clock,
    },
  };
}

function resolveL1(l1: HybridCacheOptions['l1']): RootSettings['l1'] {
  if (l1 === false) return undefined;
  if (l1 === undefined) return L1_DEFAULTS;
  if (l1 === null || typeof l1 !== 'object') {
    throw new InvalidConfigError('options.l1', `expected an object or false, got ${describeValue(l1)}`);
  }
  for (const name of Object.keys(l1)) {
    if (name !== 'maxEntries' && name !== 'maxTtl')
      throw new InvalidConfigError(`options.l1.${name}`, 'unknown option');
  }
  const maxEntries = l1.maxEntries ?? L1_DEFAULTS.maxEntries;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new InvalidConfigError(
      'options.l1.maxEntries',
      `expected an integer >= 1, got ${describeValue(maxEntries)}`,
    );
  }
  const maxTtlMs =
    l1.maxTtl === undefined
      ? L1_DEFAULTS.maxTtlMs
      : durationOf(l1.maxTtl, 'options.l1.maxTtl', 'config', true);
  return { maxEntries, maxTtlMs };
}

function resolveBus(
  bus: HybridCacheOptions['bus'],
  repository: HybridCacheOptions['repository'],
): number | undefined {
  if (bus === false) return undefined;
  if (bus !== undefined && (bus === null || typeof bus !== 'object')) {
    throw new InvalidConfigError('options.bus', `expected an object or false, got ${describeValue(bus)}`);
  }
  for (const name of Object.keys(bus ?? {})) {
    if (name !== 'heartbeat') throw new InvalidConfigError(`options.bus.${name}`, 'unknown option');
  }
  const heartbeatMs =
    bus?.heartbeat === undefined
      ? HEARTBEAT_MS
      : durationOf(bus.heartbeat, 'options.bus.heartbeat', 'config', true);
  // A repository without pub/sub (a wrapper that does not forward it) has no bus: L1 then relies on l1.maxTtl.
  return typeof repository?.subscribe === 'function' && typeof repository.publish === 'function'
    ? heartbeatMs
    : undefined;
}
