import type { HarnessPrimitive, HoldInterval } from './protocol.js';

/** How much two workers' clocks may disagree, in ms, before an overlap counts. */
const CLOCK_TOLERANCE_MS = 2;

/**
 * Counts holdings that the primitive should have made impossible, among those whose lease was
 * still valid when released: for a mutex (plain or fair), two exclusive holdings at once; for a
 * read-write lock, a writer alongside anyone; for a semaphore, more than `limit` permits at once.
 */
export function countOverlaps(
  primitive: HarnessPrimitive,
  intervals: readonly HoldInterval[],
  limit: number,
): number {
  const valid = intervals.filter((i) => i.held);
  if (primitive === 'semaphore') return moreThan(limit, valid);
  let overlaps = 0;
  const exclusive = valid.filter((i) => i.kind === 'exclusive');
  for (const writer of exclusive) {
    for (const other of valid) {
      if (other === writer || (other.kind === 'exclusive' && other.start < writer.start)) continue;
      const overlap = Math.min(writer.end, other.end) - Math.max(writer.start, other.start);
      if (overlap > CLOCK_TOLERANCE_MS) overlaps++;
    }
  }
  return overlaps;
}

/** Moments at which more than `limit` holdings overlapped (by more than the clock tolerance). */
function moreThan(limit: number, intervals: readonly HoldInterval[]): number {
  const events = intervals.flatMap((i) => [
    { at: i.start + CLOCK_TOLERANCE_MS / 2, delta: 1 },
    { at: i.end - CLOCK_TOLERANCE_MS / 2, delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let holders = 0;
  let violations = 0;
  for (const event of events) {
    holders += event.delta;
    if (event.delta > 0 && holders > limit) violations++;
  }
  return violations;
}
