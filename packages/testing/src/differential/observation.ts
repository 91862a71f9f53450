import { isDeepStrictEqual } from 'node:util';
import { formatLiteral } from './differential-command.js';

/** How an error is compared: its class name and stable `code` (messages may differ by backend). */
export interface ErrorShape {
  readonly name: string;
  readonly code?: string;
  /** Only for errors that are not `CacheError`s (a bug, such as a `TypeError`): their message. */
  readonly message?: string;
}

/**
 * What one side answered to one step. `durations` holds the time-dependent numbers of the answer
 * (a `ttl`, a `remainingTtl`, a `retryAfter`), which are compared with a tolerance; `value` holds
 * everything else, compared exactly, with unordered replies (set members, hash fields, scanned
 * keys) sorted.
 */
export type Observation =
  | { readonly ok: true; readonly value: unknown; readonly durations: readonly number[] }
  | { readonly ok: false; readonly error: ErrorShape };

/** Operations whose reply order is unspecified by Redis. */
const UNORDERED = new Set(['smembers', 'sinter', 'sunion', 'sdiff', 'hkeys', 'scan']);
/** Stands in for a duration inside `value`. */
const DURATION = '<ms>';
/** Integer replies above this magnitude may be off by a few units in the driver (see below). */
const EXACT_INTEGER_LIMIT = Number.MAX_SAFE_INTEGER - 64;

/** Numbers this close to the side's clock are semaphore lease expiry times (the scores of a semaphore). */
const LEASE_WINDOW_MS = 1e10;
/**
 * Microseconds per millisecond: fencing tokens are the server clock in µs (or just above it), in
 * a grant and as the 16 digits stored in the fencing key.
 */
const US_PER_MS = 1_000;

/**
 * Runs one operation and records its answer or its error. `now` reads the side's wall clock after
 * the answer arrived: lease expiry times in the answer (a semaphore's scores) and fencing tokens
 * (the clock in µs, stored in the fencing key too) become durations from it, since the fake's
 * manual clock and the server's clock drift apart as a sequence runs.
 */
export async function observe(
  op: string,
  run: () => Promise<unknown>,
  now?: () => number,
): Promise<Observation> {
  let observation: Observation;
  try {
    observation = normalize(op, await run());
  } catch (error) {
    return { ok: false, error: shapeOf(error) };
  }
  if (now === undefined || !observation.ok) return observation;
  const durations = [...observation.durations];
  const value = leasesAsDurations(observation.value, now(), durations);
  return { ok: true, value, durations };
}

function leasesAsDurations(value: unknown, now: number, durations: number[]): unknown {
  if (typeof value === 'number' && Math.abs(value - now) < LEASE_WINDOW_MS) {
    durations.push(value - now);
    return '<lease>';
  }
  const fencingToken = typeof value === 'string' && /^\d{16}$/.test(value) ? Number(value) : value;
  if (typeof fencingToken === 'number' && Math.abs(fencingToken / US_PER_MS - now) < LEASE_WINDOW_MS) {
    durations.push(Math.round(fencingToken / US_PER_MS - now));
    return '<fencing token>';
  }
  if (Array.isArray(value)) return value.map((item) => leasesAsDurations(item, now, durations));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: leasesAsDurations(v, now, durations),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** The comparable shape of an error. */
export function shapeOf(error: unknown): ErrorShape {
  if (!(error instanceof Error)) return { name: typeof error, message: String(error) };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('E_')) return { name: error.name, code };
  return { name: error.name, message: error.message };
}

function normalize(op: string, value: unknown): Observation {
  if (UNORDERED.has(op) && Array.isArray(value)) {
    return { ok: true, value: [...value].sort(byLiteral), durations: [] };
  }
  if (
    (op === 'incrby' || op === 'hincrby') &&
    typeof value === 'number' &&
    Math.abs(value) > EXACT_INTEGER_LIMIT
  ) {
    // ioredis 6 decodes integer replies as `n * 10 + digit` in floating point, so replies within 64
    // of 2^53 and beyond come back a few units off, while the fake rounds the exact BigInt. A JS
    // number cannot carry such a count exactly anyway; the stored text is still compared exactly
    // in the final state. Reported, not hidden: see the redis-driver README.
    return { ok: true, value: `<integer beyond 2^53 - 64, ${Math.sign(value)}>`, durations: [] };
  }
  if (op === 'ttl' && typeof value === 'number' && value >= 0) {
    return { ok: true, value: DURATION, durations: [value] };
  }
  if (value !== null && typeof value === 'object' && 'acquired' in value && value.acquired === false) {
    const field = 'remainingTtl' in value ? 'remainingTtl' : 'retryAfter';
    const ms = (value as Record<string, unknown>)[field];
    if (typeof ms === 'number' && ms >= 0) {
      return { ok: true, value: { ...value, [field]: DURATION }, durations: [ms] };
    }
  }
  return { ok: true, value, durations: [] };
}

/** Orders values by their literal form (stable across backends, `-0` distinct from `0`). */
export function byLiteral(a: unknown, b: unknown): number {
  const x = formatLiteral(a);
  const y = formatLiteral(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Why two observations differ, or `undefined` when they agree. Durations agree when both are
 * equal, or when the subject's (real time) is at most `2 ms` above the reference's (a manual clock
 * that moves only when told) and at most `toleranceMs` below it: real time runs on between steps,
 * the manual clock does not.
 */
export function compareObservations(
  reference: Observation,
  subject: Observation,
  toleranceMs: number,
): string | undefined {
  if (reference.ok !== subject.ok || !isDeepStrictEqual(comparable(reference), comparable(subject))) {
    return `expected ${describeObservation(reference)}, got ${describeObservation(subject)}`;
  }
  if (!reference.ok || !subject.ok) return undefined;
  for (let i = 0; i < reference.durations.length; i++) {
    const expected = reference.durations[i]!;
    const actual = subject.durations[i]!;
    if (actual > expected + 2 || actual < expected - toleranceMs) {
      return `expected a duration of ${expected} ms (tolerance -${toleranceMs}/+2 ms), got ${actual} ms`;
    }
  }
  return undefined;
}

function comparable(observation: Observation): unknown {
  return observation.ok ? observation.value : observation.error;
}

/** A short text form of an observation for reports. */
export function describeObservation(observation: Observation): string {
  if (!observation.ok) return `error ${formatLiteral(observation.error)}`;
  const durations =
    observation.durations.length > 0 ? ` (durations ${observation.durations.join(', ')})` : '';
  return `${formatLiteral(observation.value)}${durations}`;
}
