/** Longest delay `setTimeout` honours (2^31 − 1 ms, about 24.8 days); longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A delay safe to pass to `setTimeout`: whole milliseconds, not negative, and capped so a long
 * lease or wait does not overflow into an immediate (and then repeating) timer. Callers whose
 * timer fires before their real deadline look at the clock and arm again.
 */
export function timerDelay(ms: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(ms)));
}
