interface Sender {
  /** The sequence number expected next. */
  next: number;
  /** Numbers received ahead of `next` (messages may be reordered, e.g. across Cluster nodes). */
  readonly ahead: Set<number>;
  /** When the oldest unfilled gap opened (ms), or `undefined`. */
  gapSince: number | undefined;
  lastSeen: number;
}

/**
 * Notices lost bus messages: each sender numbers its messages; a number skipped and not filled
 * within `windowMs` (reordering is tolerated that long) means a message was lost. A sender silent
 * for `forgetMs` (it stopped, or its heartbeats are lost — which its own process notices) is
 * forgotten and starts afresh at its next message.
 */
export class SequenceTracker {
  readonly #senders = new Map<string, Sender>();
  readonly #windowMs: number;
  readonly #forgetMs: number;

  constructor(windowMs: number, forgetMs: number) {
    this.#windowMs = windowMs;
    this.#forgetMs = forgetMs;
  }

  /** Records message `seq` of `sender`, received at `now`. */
  receive(sender: string, seq: number, now: number): void {
    const state = this.#senders.get(sender);
    if (state === undefined) {
      this.#senders.set(sender, { next: seq + 1, ahead: new Set(), gapSince: undefined, lastSeen: now });
      return;
    }
    state.lastSeen = now;
    if (seq < state.next) return; // a duplicate, or late: nothing to do
    if (seq > state.next) {
      state.ahead.add(seq);
      state.gapSince ??= now;
      return;
    }
    state.next++;
    while (state.ahead.delete(state.next)) state.next++;
    state.gapSince = state.ahead.size === 0 ? undefined : now;
  }

  /** Marks `seq` of `sender` as accounted for (a message known never to have been sent). */
  skip(sender: string, seq: number, now: number): void {
    if (this.#senders.has(sender)) this.receive(sender, seq, now);
  }

  /** The highest number received from `sender`, or `-1`. */
  highest(sender: string): number {
    const state = this.#senders.get(sender);
    if (state === undefined) return -1;
    return Math.max(state.next - 1, ...state.ahead);
  }

  /**
   * Whether a message was lost: a gap older than the window. Each such sender then resumes after
   * its highest number. Forgets silent senders.
   */
  sweep(now: number): boolean {
    let lost = false;
    for (const [sender, state] of this.#senders) {
      if (now - state.lastSeen > this.#forgetMs) {
        this.#senders.delete(sender);
        continue;
      }
      if (state.gapSince !== undefined && now - state.gapSince >= this.#windowMs) {
        lost = true;
        state.next = Math.max(...state.ahead) + 1;
        state.ahead.clear();
        state.gapSince = undefined;
      }
    }
    return lost;
  }

  /** Forgets every sender (after a resubscription: numbering restarts from whatever comes next). */
  clear(): void {
    this.#senders.clear();
  }
}
