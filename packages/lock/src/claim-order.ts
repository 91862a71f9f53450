/**
 * The order in which this process's waiters of one key claim a handoff. A release wakes every
 * waiting process at once; within one process the wake-ups run in socket order, so without this
 * the same connection would win every race its waiter enters. Here a woken waiter first lets the
 * waiters of the same key that have waited longer (in this process, on any repository) make their
 * attempt, for at most {@link YIELD_MS}: waiters are served oldest first, as a queue would.
 */
export class ClaimOrder {
  readonly #peers: Set<ClaimOrder>;
  readonly #fullKey: string;
  /** Monotonic instant at which this waiter started waiting. */
  readonly since: number;
  #attempted: Promise<void>;
  #resolve: () => void = () => {};

  /** Registers a waiter for `fullKey` that started waiting at `since`. */
  constructor(fullKey: string, since: number) {
    let peers = waiters.get(fullKey);
    if (peers === undefined) {
      peers = new Set();
      waiters.set(fullKey, peers);
    }
    peers.add(this);
    this.#peers = peers;
    this.#fullKey = fullKey;
    this.since = since;
    this.#attempted = this.#next();
  }

  /** Resolves once every older waiter of the key has made its next attempt, or after `YIELD_MS`. */
  async turn(): Promise<void> {
    const older: Promise<void>[] = [];
    for (const peer of this.#peers) if (peer.since < this.since) older.push(peer.#attempted);
    if (older.length === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(older),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, YIELD_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Records that this waiter made an attempt: younger ones waiting for it go on. */
  attempted(): void {
    this.#resolve();
    this.#attempted = this.#next();
  }

  /** Leaves (acquired or gave up). Idempotent. */
  leave(): void {
    this.#resolve();
    this.#peers.delete(this);
    if (this.#peers.size === 0 && waiters.get(this.#fullKey) === this.#peers) waiters.delete(this.#fullKey);
  }

  #next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#resolve = resolve;
    });
  }
}

/** Longest a woken waiter lets older ones go first, in ms: about a round trip on a busy machine. */
const YIELD_MS = 2;

/** Waiters of this process by full key (a key of the same name on two servers shares an entry: harmless). */
const waiters = new Map<string, Set<ClaimOrder>>();
