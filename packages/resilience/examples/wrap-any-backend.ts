/**
 * The policies around backends that are not a Forno cache: a database call and an HTTP API. In
 * your app import from '@forno/resilience'; this example imports the sources so it is type-checked
 * and tested with the package (test/wrap-any-backend-example.test.ts).
 */
import {
  CircuitBreakerPolicy,
  isBackendFailure,
  RetryPolicy,
  TimeoutPolicy,
  wrapPolicies,
} from '../src/index.js';

export interface MenuItem {
  readonly id: string;
  readonly name: string;
  readonly price: number;
}

/** What a promise-based SQL client offers (pg's `Pool`, mysql2/promise, a sql.js wrapper…). */
export interface SqlClient {
  query<R>(sql: string, params: readonly unknown[]): Promise<{ rows: R[] }>;
}

/**
 * A database call behind a breaker. The default `isFailure` counts what the driver rejects with —
 * `connect ECONNREFUSED`, a dropped connection, a query timeout — so after 5 failures in a row the
 * calls fail fast with `BrokenCircuitError` (code `E_CIRCUIT_OPEN`) for 30 s instead of each
 * waiting for the driver's connect timeout. No retry: the caller decides what a failed write means.
 */
export function menuItemFromDatabase(
  db: SqlClient,
  breaker = new CircuitBreakerPolicy({ failureThreshold: 5, recoveryTimeout: '30s', successThreshold: 3 }),
): (id: string) => Promise<MenuItem | null> {
  return breaker.wrap(async (id: string) => {
    const { rows } = await db.query<MenuItem>('SELECT id, name, price FROM menu_items WHERE id = $1', [id]);
    return rows[0] ?? null;
  });
}

/**
 * An HTTP API behind retry → breaker → timeout. A GET is safe to repeat, so the retry policy is told
 * to retry every backend failure (`retryOn: isBackendFailure`; its default retries only cache
 * outages). `TypeError: fetch failed` (refused, reset, DNS), a timed-out attempt and a 5xx count
 * against the breaker; a 404 is an answer, not a failure.
 */
export function menuItemFromApi(
  baseUrl: string,
  breaker = new CircuitBreakerPolicy({ failureThreshold: 5, recoveryTimeout: '30s', successThreshold: 3 }),
): (id: string) => Promise<MenuItem | null> {
  const policy = wrapPolicies(
    new RetryPolicy({ retries: 2, retryDelay: '50ms', retryOn: isBackendFailure }),
    breaker,
    new TimeoutPolicy('2s'),
  );
  return (id) =>
    policy.execute(async ({ signal }) => {
      const response = await fetch(`${baseUrl}/menu/${encodeURIComponent(id)}`, { signal });
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(`menu API answered ${response.status}`);
      return (await response.json()) as MenuItem;
    });
}
