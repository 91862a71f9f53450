import type { CacheEvent } from '@forno/core';
import type { HistogramSeries } from './histogram-series.js';
import { CIRCUIT_STATE_VALUES, INSTRUMENTS } from './instruments.js';
import type { MetricRegistry, ValueSeries } from './metric-registry.js';

type EventOf<T extends CacheEvent['type']> = Extract<CacheEvent, { type: T }>;

type Result = 'hit' | 'miss' | 'ok' | 'error';

/** The series of one operation, created lazily so only results that happen are exported. */
interface OperationSeries {
  readonly operation: string;
  readonly duration: HistogramSeries;
  readonly requests: { [R in Result]?: ValueSeries };
  readonly errorsByCode: Map<string, ValueSeries>;
}

/** Label of an error that is not a Forno `CacheError` (so has no stable code). */
const UNKNOWN_CODE = 'unknown';

/**
 * Maps each {@link CacheEvent} onto the built-in instruments. The per-operation series are looked
 * up once and then held by reference, so recording an operation costs a map lookup, a bucket
 * search and a few increments.
 */
export class EventRecorder {
  readonly #registry: MetricRegistry;
  readonly #buckets: readonly number[];
  readonly #operations = new Map<string, OperationSeries>();
  #hitRatio!: ValueSeries;
  #operationCount = 0;
  #hits = 0;
  #misses = 0;

  constructor(registry: MetricRegistry, buckets: readonly number[]) {
    this.#registry = registry;
    this.#buckets = buckets;
    this.#declare();
  }

  /** Repository calls recorded. */
  get operations(): number {
    return this.#operationCount;
  }

  /** Keys found by reads. */
  get hits(): number {
    return this.#hits;
  }

  /** Keys not found by reads. */
  get misses(): number {
    return this.#misses;
  }

  /** Records one event. */
  record(event: CacheEvent): void {
    switch (event.type) {
      case 'operation':
        this.#operation(event);
        break;
      case 'connection':
        this.#connection(event);
        break;
      case 'circuit':
        this.#circuit(event);
        break;
      case 'retry':
        this.#counter(INSTRUMENTS.retries).value++;
        break;
      case 'fallback':
        this.#counter(INSTRUMENTS.fallbacks, {
          operation: String(event.operation),
          result: event.hit ? 'hit' : 'miss',
        }).value++;
        break;
      case 'lock':
        this.#lock(event);
        break;
      case 'hybrid-cache':
        this.#hybrid(event);
        break;
    }
  }

  /** Forgets every value (after the registry was cleared) and declares the instruments again. */
  reset(): void {
    this.#operations.clear();
    this.#operationCount = 0;
    this.#hits = 0;
    this.#misses = 0;
    this.#declare();
  }

  /** Creates the families up front, so exporters list them (with HELP) before the first event. */
  #declare(): void {
    for (const { name, help, type } of Object.values(INSTRUMENTS)) {
      this.#registry.declare(name, help, type, this.#buckets);
    }
    const { hitRatio, retries } = INSTRUMENTS;
    this.#hitRatio = this.#registry.gauge(hitRatio.name, hitRatio.help);
    this.#registry.counter(retries.name, retries.help);
  }

  #operation(event: EventOf<'operation'>): void {
    let series = this.#operations.get(event.operation);
    if (series === undefined) {
      const operation = String(event.operation);
      const { name, help } = INSTRUMENTS.operationDuration;
      series = {
        operation,
        duration: this.#registry.histogram(name, help, this.#buckets, { operation }),
        requests: {},
        errorsByCode: new Map(),
      };
      this.#operations.set(event.operation, series);
    }
    series.duration.observe(event.durationMs / 1_000);
    this.#operationCount++;
    if (event.outcome === 'error') {
      this.#error(series, event);
    } else if (event.hits !== undefined || event.misses !== undefined) {
      // A multi-key read: one request per key.
      const hits = event.hits ?? 0;
      const misses = event.misses ?? 0;
      if (hits > 0) this.#request(series, 'hit', hits);
      if (misses > 0) this.#request(series, 'miss', misses);
      if (hits + misses === 0) this.#request(series, 'ok', 1);
      this.#lookups(hits, misses);
    } else {
      this.#request(series, event.outcome, 1);
      if (event.outcome === 'hit') this.#lookups(1, 0);
      else if (event.outcome === 'miss') this.#lookups(0, 1);
    }
  }

  #error(series: OperationSeries, event: EventOf<'operation'>): void {
    this.#request(series, 'error', 1);
    const code = typeof event.error?.code === 'string' ? event.error.code : UNKNOWN_CODE;
    let byCode = series.errorsByCode.get(code);
    if (byCode === undefined) {
      byCode = this.#counter(INSTRUMENTS.errors, { operation: series.operation, code });
      series.errorsByCode.set(code, byCode);
    }
    byCode.value++;
  }

  #lookups(hits: number, misses: number): void {
    this.#hits += hits;
    this.#misses += misses;
    const total = this.#hits + this.#misses;
    this.#hitRatio.value = total === 0 ? 0 : this.#hits / total;
  }

  #request(series: OperationSeries, result: Result, count: number): void {
    let counter = series.requests[result];
    if (counter === undefined) {
      counter = this.#counter(INSTRUMENTS.requests, { operation: series.operation, result });
      series.requests[result] = counter;
    }
    counter.value += count;
  }

  #connection(event: EventOf<'connection'>): void {
    this.#counter(INSTRUMENTS.connectionEvents, { status: String(event.status) }).value++;
    const { name, help } = INSTRUMENTS.activeConnections;
    this.#registry.gauge(name, help).value = event.status === 'ready' ? event.connections : 0;
  }

  #circuit(event: EventOf<'circuit'>): void {
    const value = CIRCUIT_STATE_VALUES[event.state];
    if (value === undefined) return;
    const { name, help } = INSTRUMENTS.circuitState;
    this.#registry.gauge(name, help).value = value;
    this.#counter(INSTRUMENTS.circuitTransitions, { state: event.state }).value++;
  }

  #lock(event: EventOf<'lock'>): void {
    this.#counter(INSTRUMENTS.lockEvents, { action: String(event.action) }).value++;
    const seconds = event.durationMs === undefined ? undefined : event.durationMs / 1_000;
    if (seconds === undefined) return;
    if (event.action === 'acquired' || event.action === 'timeout') {
      const { name, help } = INSTRUMENTS.lockWait;
      this.#registry.histogram(name, help, this.#buckets, { result: event.action }).observe(seconds);
    } else if (event.action === 'released') {
      const { name, help } = INSTRUMENTS.lockHold;
      this.#registry.histogram(name, help, this.#buckets).observe(seconds);
    }
  }

  #hybrid(event: EventOf<'hybrid-cache'>): void {
    const cache = String(event.cache);
    switch (event.action) {
      case 'lookup':
        this.#counter(INSTRUMENTS.hybridRequests, { cache, result: event.result.replace('-', '_') }).value++;
        break;
      case 'factory': {
        this.#counter(INSTRUMENTS.hybridFactoryCalls, { cache, result: String(event.result) }).value++;
        const { name, help } = INSTRUMENTS.hybridFactoryDuration;
        this.#registry.histogram(name, help, this.#buckets, { cache }).observe(event.durationMs / 1_000);
        break;
      }
      case 'bus':
        if (event.direction === 'reset') this.#counter(INSTRUMENTS.hybridBusResets, { cache }).value++;
        else this.#counter(INSTRUMENTS.hybridBusMessages, { cache, direction: event.direction }).value++;
        break;
    }
  }

  #counter(instrument: { readonly name: string; readonly help: string }, labels = {}): ValueSeries {
    return this.#registry.counter(instrument.name, instrument.help, labels);
  }
}
