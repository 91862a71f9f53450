import type { Cluster, Redis } from 'ioredis';

/** What ioredis hands a `scaleReads` function: the command about to be routed. */
interface RoutedCommand {
  readonly promise: Promise<unknown>;
}

/** A primary reads avoid: until `retryAt`, then one probe read at a time. */
interface Suspicion {
  retryAt: number;
  probing: boolean;
}

/** Connection states in which ioredis sends a command at once, or connects first (`wait`). */
const SENDABLE = new Set(['ready', 'wait']);

/**
 * Routes Cluster reads for `readFallback: 'replicas'` (an ioredis `scaleReads` function): a read
 * goes to its slot's primary, unless that primary is down — its connection is gone or failing,
 * ioredis reported an error on it, or a read on it timed out — then to a replica of the same slot.
 * A primary is avoided for `quarantineMs` after its last failure, then probed by one read at a time
 * until one succeeds. Nodes are tracked by address, as ioredis replaces the connection of a node
 * that failed.
 *
 * Replication is asynchronous, so a read served by a replica may miss the latest writes; and
 * writes the dead primary acknowledged but had not replicated are lost for good once the replica
 * is promoted.
 */
export class ReplicaReadFallback {
  readonly #quarantineMs: number;
  readonly #suspects = new Map<string, Suspicion>();

  constructor(quarantineMs: number) {
    this.#quarantineMs = quarantineMs;
  }

  /** Listens to ioredis' per-node errors (connections refused, slot-map refreshes that failed). */
  watch(cluster: Cluster): void {
    cluster.on('node error', (_error: unknown, key: string) => this.#suspect(key));
  }

  /** The `scaleReads` function: `nodes` are the slot's primary then its replicas. */
  readonly select = (nodes: ReadonlyArray<Redis | undefined>, command: RoutedCommand): Redis | undefined => {
    const [primary, ...replicas] = nodes;
    if (primary !== undefined && SENDABLE.has(primary.status) && this.#usable(keyOf(primary))) {
      this.#observe(primary, command);
      return primary;
    }
    const replica = replicas.find(
      (node) => node !== undefined && SENDABLE.has(node.status) && !this.#suspects.has(keyOf(node)),
    );
    return replica ?? primary;
  };

  /** True when reads may go to `key`: not suspected, or due for a probe (which this read becomes). */
  #usable(key: string): boolean {
    const suspicion = this.#suspects.get(key);
    if (suspicion === undefined) return true;
    if (suspicion.probing || performance.now() < suspicion.retryAt) return false;
    suspicion.probing = true;
    return true;
  }

  #suspect(key: string): void {
    this.#suspects.set(key, { retryAt: performance.now() + this.#quarantineMs, probing: false });
  }

  #observe(node: Redis, command: RoutedCommand): void {
    const key = keyOf(node);
    command.promise.then(
      () => this.#suspects.delete(key),
      (error: unknown) => {
        if ((error as Error | null)?.message === 'Command timed out') this.#suspect(key);
        else {
          const suspicion = this.#suspects.get(key);
          if (suspicion !== undefined) suspicion.probing = false;
        }
      },
    );
  }
}

function keyOf(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}
