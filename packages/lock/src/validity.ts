/** Fixed part of the clock-drift allowance, in ms (as Redlock adds for the server's expiry granularity). */
const DRIFT_FIXED_MS = 2;

/**
 * How much of a lease is kept back for clock drift between this process and the server:
 * `lease × driftFactor + 2 ms`, as the Redlock algorithm prescribes.
 */
export function driftOf(leaseMs: number, driftFactor: number): number {
  return leaseMs * driftFactor + DRIFT_FIXED_MS;
}

/**
 * The monotonic instant until which a lease granted by a request sent at `sentAt` is valid here:
 * `sentAt + lease − drift`. Measuring from the send (not the reply) makes the time spent in
 * flight count against the lease, so validity = lease − elapsed − drift.
 */
export function validUntil(sentAt: number, leaseMs: number, driftFactor: number): number {
  return sentAt + leaseMs - driftOf(leaseMs, driftFactor);
}
