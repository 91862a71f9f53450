import { describe, expect, it } from 'vitest';
import { SequenceTracker } from './sequence-tracker.js';

describe('SequenceTracker', () => {
  it('in-order and reordered messages are no loss; a number missing for the window is', () => {
    const tracker = new SequenceTracker(100, 1_000);
    tracker.receive('a', 7, 0); // first seen: a baseline, whatever came before
    tracker.receive('a', 9, 10); // 8 is late...
    expect(tracker.sweep(50)).toBe(false);
    tracker.receive('a', 8, 60); // ...and arrives within the window
    expect(tracker.sweep(500)).toBe(false);
    expect(tracker.highest('a')).toBe(9);
    tracker.receive('a', 11, 600); // 10 never comes
    expect(tracker.sweep(650)).toBe(false);
    expect(tracker.sweep(700)).toBe(true);
    expect(tracker.sweep(800)).toBe(false); // reported once; numbering resumes after 11
    tracker.receive('a', 12, 810);
    expect(tracker.sweep(1_000)).toBe(false);
  });

  it('skipped numbers (a failed publish of ours) are no loss; silent senders are forgotten', () => {
    const tracker = new SequenceTracker(100, 1_000);
    tracker.receive('me', 1, 0);
    tracker.skip('me', 2, 0);
    tracker.receive('me', 3, 10);
    expect(tracker.sweep(500)).toBe(false);
    expect(tracker.highest('me')).toBe(3);
    tracker.receive('b', 1, 0);
    tracker.receive('b', 5, 0);
    expect(tracker.sweep(2_000)).toBe(false); // b went silent long ago: forgotten, not a loss
    expect(tracker.highest('b')).toBe(-1);
  });
});
