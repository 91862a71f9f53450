import { InvalidArgumentError } from '@forno/core';
import type { Labels } from './metric-types.js';

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/**
 * Label names refused outright: a key (or keys) as a label would create one series per cached key,
 * an unbounded number that no metrics backend survives. `le` is reserved for histogram buckets.
 */
const FORBIDDEN_LABELS = new Set(['key', 'keys', 'le']);

/** Throws unless `name` is a valid metric name (Prometheus syntax, without `:`). */
export function assertMetricName(name: unknown, argument = 'name'): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidArgumentError(argument, 'expected a metric name matching [a-zA-Z_][a-zA-Z0-9_]*');
  }
}

/** Throws unless `labels` is a plain object of valid label names to string values. */
export function assertLabels(labels: unknown, argument = 'labels'): asserts labels is Labels {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw new InvalidArgumentError(argument, 'expected an object of label names to string values');
  }
  for (const [name, value] of Object.entries(labels)) {
    if (!NAME.test(name) || name.startsWith('__')) {
      throw new InvalidArgumentError(
        `${argument}.${name}`,
        'expected a label name matching [a-zA-Z_][a-zA-Z0-9_]*',
      );
    }
    if (FORBIDDEN_LABELS.has(name)) {
      throw new InvalidArgumentError(
        `${argument}.${name}`,
        name === 'le'
          ? '`le` is reserved for histogram buckets'
          : 'per-key labels create one series per cached key; label by operation or key pattern instead',
      );
    }
    if (typeof value !== 'string') throw new InvalidArgumentError(`${argument}.${name}`, 'expected a string');
  }
}

/** A stable identity of a label set: the same labels in any order give the same key. */
export function seriesKey(labels: Labels): string {
  const names = Object.keys(labels);
  if (names.length === 0) return '';
  if (names.length > 1) names.sort();
  let key = '';
  for (const name of names) key += `${name}\u0001${labels[name]}\u0002`;
  return key;
}

/** True when `labels` has every label of `filter` with the same value (an empty filter matches all). */
export function matchesLabels(labels: Labels, filter: Labels): boolean {
  for (const name in filter) {
    if (labels[name] !== filter[name]) return false;
  }
  return true;
}
