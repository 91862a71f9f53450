/**
 * Bucket boundaries, in seconds, that the OpenTelemetry database client conventions advise for
 * `db.client.operation.duration`; also the default buckets of every `CacheMetrics` histogram.
 */
export const DB_CLIENT_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10,
]);

/** A built-in instrument: its name (without prefix), type, labels and help text. */
export interface InstrumentDefinition {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly labels: readonly string[];
  readonly help: string;
}

function define<const T extends InstrumentDefinition>(definition: T): T {
  return Object.freeze(definition);
}

/**
 * The instruments `CacheMetrics` maintains from `CacheEvent`s. Exporters prepend the prefix:
 * `requests` is exported to Prometheus as `<prefix>_cache_requests_total`. No instrument has a
 * per-key label: cardinality stays bounded by the number of operations.
 */
export const INSTRUMENTS = Object.freeze({
  /** Repository calls by operation and result (`hit`/`miss` for reads, one per key for `mget`; `ok`; `error`). */
  requests: define({
    name: 'cache_requests_total',
    type: 'counter',
    labels: ['operation', 'result'],
    help: 'Cache requests by operation and result (hit/miss for reads, one per key for multi-key reads; ok; error).',
  }),
  /** Failed calls by operation and error code (`E_CACHE_TIMEOUT`, `E_CACHE_UNAVAILABLE`, ...). */
  errors: define({
    name: 'cache_errors_total',
    type: 'counter',
    labels: ['operation', 'code'],
    help: 'Failed cache operations by operation and Forno error code.',
  }),
  /** Latency of each repository call, failures included, in seconds. */
  operationDuration: define({
    name: 'operation_duration_seconds',
    type: 'histogram',
    labels: ['operation'],
    help: 'Duration of cache operations in seconds, failures included.',
  }),
  /** Hits / (hits + misses) over every read since start (or `reset()`); 0 before the first read. */
  hitRatio: define({
    name: 'cache_hit_ratio',
    type: 'gauge',
    labels: [],
    help: 'Cache hits divided by hits plus misses since start.',
  }),
  /** Connections to Redis that are ready. */
  activeConnections: define({
    name: 'active_connections',
    type: 'gauge',
    labels: [],
    help: 'Connections to Redis that are ready to serve commands.',
  }),
  /** Connection state changes by new status (`ready`, `reconnecting`, `closed`, ...). */
  connectionEvents: define({
    name: 'connection_events_total',
    type: 'counter',
    labels: ['status'],
    help: 'Connection state changes by new status.',
  }),
  /** Circuit breaker state: 0 closed, 1 half-open, 2 open. */
  circuitState: define({
    name: 'circuit_breaker_state',
    type: 'gauge',
    labels: [],
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open.',
  }),
  /** Circuit breaker transitions by the state entered. */
  circuitTransitions: define({
    name: 'circuit_breaker_transitions_total',
    type: 'counter',
    labels: ['state'],
    help: 'Circuit breaker transitions by the state entered.',
  }),
  /** Retries of failed operations. */
  retries: define({
    name: 'retries_total',
    type: 'counter',
    labels: [],
    help: 'Retries of failed cache operations.',
  }),
  /** Reads answered by the fail-safe fallback during an outage: `hit` (stale value served) or `miss`. */
  fallbacks: define({
    name: 'fallbacks_total',
    type: 'counter',
    labels: ['operation', 'result'],
    help: 'Reads that fell back to a stale copy during an outage, by whether one was kept.',
  }),
  /** Lock events by action: `acquired`, `waited`, `timeout`, `lost`, `released`, `extended`. */
  lockEvents: define({
    name: 'lock_events_total',
    type: 'counter',
    labels: ['action'],
    help: 'Distributed lock events: acquired, waited, timeout, lost, released, extended.',
  }),
  /** Time spent waiting for a lock, by result (`acquired` or `timeout`), in seconds. */
  lockWait: define({
    name: 'lock_wait_seconds',
    type: 'histogram',
    labels: ['result'],
    help: 'Time spent acquiring a distributed lock in seconds, by result (acquired, timeout).',
  }),
  /** Time a lock was held until released, in seconds. */
  lockHold: define({
    name: 'lock_hold_seconds',
    type: 'histogram',
    labels: [],
    help: 'Time a distributed lock was held until released, in seconds.',
  }),
  /** Hybrid-cache lookups by cache and how they were answered: `l1_hit`, `l2_hit`, `miss`, `stale`. */
  hybridRequests: define({
    name: 'hybrid_cache_requests_total',
    type: 'counter',
    labels: ['cache', 'result'],
    help: 'Hybrid cache lookups by cache (root namespace) and result: l1_hit, l2_hit, miss, stale (a stale value served).',
  }),
  /** Hybrid-cache factory runs by cache and result: `ok`, `error`, `timeout`. */
  hybridFactoryCalls: define({
    name: 'hybrid_cache_factory_calls_total',
    type: 'counter',
    labels: ['cache', 'result'],
    help: 'Hybrid cache factory runs by cache and result: ok, error, timeout (abandoned at the hard timeout).',
  }),
  /** How long hybrid-cache factories ran, in seconds. */
  hybridFactoryDuration: define({
    name: 'hybrid_cache_factory_duration_seconds',
    type: 'histogram',
    labels: ['cache'],
    help: 'Duration of hybrid cache factory runs in seconds, failures included.',
  }),
  /** Invalidation messages of the hybrid cache's bus by direction: `in`, `out`. */
  hybridBusMessages: define({
    name: 'hybrid_cache_bus_messages_total',
    type: 'counter',
    labels: ['cache', 'direction'],
    help: 'Hybrid cache invalidation messages by cache and direction: out (published), in (received from another process).',
  }),
  /** Times the in-process layer was cleared because bus messages may have been lost. */
  hybridBusResets: define({
    name: 'hybrid_cache_bus_resets_total',
    type: 'counter',
    labels: ['cache'],
    help: 'Times a hybrid cache cleared its in-process layer because invalidation messages may have been lost.',
  }),
});

/** The value `circuit_breaker_state` reports for each state. */
export const CIRCUIT_STATE_VALUES = Object.freeze({ closed: 0, 'half-open': 1, open: 2 } as const);
