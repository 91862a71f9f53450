import type { CacheEvent } from '@forno/core';
import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import { DB_CLIENT_DURATION_BUCKETS, INSTRUMENTS } from '../instruments.js';
import { DB_CLIENT_OPERATION_DURATION, OTHER_ERROR_TYPE, otelNameOf } from './otel-names.js';

type OperationEvent = Extract<CacheEvent, { type: 'operation' }>;
type LockEvent = Extract<CacheEvent, { type: 'lock' }>;
type FactoryEvent = Extract<CacheEvent, { type: 'hybrid-cache'; action: 'factory' }>;

/** Records operation and lock durations as they happen, with attributes cached per operation. */
export class DurationRecorder {
  readonly #operations: Histogram;
  readonly #lockWait: Histogram;
  readonly #lockHold: Histogram;
  readonly #factory: Histogram;
  readonly #base: Attributes;
  readonly #attributes = new Map<string, Attributes>();

  /** Creates the histograms on `meter`; `base` attributes go on every measurement. */
  constructor(meter: Meter, prefix: string, base: Attributes) {
    const advice = { explicitBucketBoundaries: [...DB_CLIENT_DURATION_BUCKETS] };
    this.#operations = meter.createHistogram(DB_CLIENT_OPERATION_DURATION.name, {
      unit: DB_CLIENT_OPERATION_DURATION.unit,
      description: DB_CLIENT_OPERATION_DURATION.description,
      advice,
    });
    const { lockWait, lockHold } = INSTRUMENTS;
    this.#lockWait = meter.createHistogram(otelNameOf(prefix, lockWait), {
      unit: 's',
      description: lockWait.help,
      advice,
    });
    this.#lockHold = meter.createHistogram(otelNameOf(prefix, lockHold), {
      unit: 's',
      description: lockHold.help,
      advice,
    });
    const { hybridFactoryDuration } = INSTRUMENTS;
    this.#factory = meter.createHistogram(otelNameOf(prefix, hybridFactoryDuration), {
      unit: 's',
      description: hybridFactoryDuration.help,
      advice,
    });
    this.#base = base;
  }

  /** Records an operation's, a lock's or a hybrid-cache factory's duration; ignores other events. */
  record(event: CacheEvent): void {
    if (event.type === 'operation') this.#operation(event);
    else if (event.type === 'lock') this.#lock(event);
    else if (event.type === 'hybrid-cache' && event.action === 'factory') this.#factoryRun(event);
  }

  #factoryRun(event: FactoryEvent): void {
    this.#factory.record(event.durationMs / 1_000, { ...this.#base, cache: event.cache });
  }

  #operation(event: OperationEvent): void {
    const seconds = event.durationMs / 1_000;
    if (event.outcome === 'error') {
      const code = typeof event.error?.code === 'string' ? event.error.code : OTHER_ERROR_TYPE;
      this.#operations.record(seconds, this.#attributesOf(event.operation, code));
    } else {
      this.#operations.record(seconds, this.#attributesOf(event.operation, undefined));
    }
  }

  #lock(event: LockEvent): void {
    if (event.durationMs === undefined) return;
    const seconds = event.durationMs / 1_000;
    if (event.action === 'acquired' || event.action === 'timeout') {
      this.#lockWait.record(seconds, { ...this.#base, result: event.action });
    } else if (event.action === 'released') {
      this.#lockHold.record(seconds, this.#base);
    }
  }

  #attributesOf(operation: string, errorType: string | undefined): Attributes {
    const cacheKey = errorType === undefined ? operation : `${operation}\u0000${errorType}`;
    let attributes = this.#attributes.get(cacheKey);
    if (attributes === undefined) {
      attributes = Object.freeze({
        ...this.#base,
        'db.operation.name': operation,
        ...(errorType === undefined ? {} : { 'error.type': errorType }),
      });
      this.#attributes.set(cacheKey, attributes);
    }
    return attributes;
  }
}
