import type { Serializer } from '@forno/core';
import { JsonSerializer, RawSerializer } from '@forno/serialization';
import type { ContractRepository } from '../contract/contract-context.js';
import { InMemoryCacheRepository } from '../in-memory/in-memory-cache-repository.js';
import { InMemoryStore } from '../in-memory/in-memory-store.js';
import { ManualClock } from '../in-memory/manual-clock.js';
import { DIFFERENTIAL_PREFIXES, type DifferentialCommand } from './differential-command.js';
import { type DifferentialSide, type Divergence, runDifferentialSequence } from './run-sequence.js';

/** The backend under test, compared with the in-memory fake. */
export interface DifferentialSubjectOptions {
  /** Creates a connected repository on the backend under test with this prefix and serializer. */
  createRepository(options: {
    keyPrefix: string;
    serializer: Serializer;
  }): ContractRepository | Promise<ContractRepository>;
  /** Empties the backend before each sequence (for a dedicated server: `FLUSHALL`). */
  reset(): Promise<void>;
  /** Lets `ms` pass on the backend's clock. Default: a real sleep. */
  advanceTime?(ms: number): Promise<void>;
  /** The serializer of both sides (a new one per repository). Default: JSON. */
  serializer?(): Serializer;
  /**
   * How far below the fake's a TTL read on the backend may be: real time runs on between steps
   * while the fake's manual clock does not. Default 30 s (long TTLs differ by minutes).
   */
  toleranceMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs differential sequences: each on a fresh in-memory fake (manual clock) and on the backend
 * under test (reset first), comparing every answer, the messages delivered and the final state.
 * Generic over the backend, so every driver runs the same sequences.
 */
export class DifferentialRunner {
  readonly #options: DifferentialSubjectOptions;
  readonly #subject: DifferentialSide;
  readonly #serializer: () => Serializer;

  private constructor(options: DifferentialSubjectOptions, subject: DifferentialSide) {
    this.#options = options;
    this.#subject = subject;
    this.#serializer = options.serializer ?? (() => new JsonSerializer());
  }

  /** Connects one repository per prefix (and an inspector) on the backend under test. */
  static async open(options: DifferentialSubjectOptions): Promise<DifferentialRunner> {
    const serializer = options.serializer ?? (() => new JsonSerializer());
    const repositories: ContractRepository[] = [];
    for (const keyPrefix of DIFFERENTIAL_PREFIXES) {
      repositories.push(await options.createRepository({ keyPrefix, serializer: serializer() }));
    }
    const inspector = await options.createRepository({ keyPrefix: '', serializer: new RawSerializer() });
    const advance = options.advanceTime ?? sleep;
    return new DifferentialRunner(options, {
      repositories,
      inspector,
      advance: (ms) => advance(ms),
      now: () => Date.now(),
    });
  }

  /** Runs one sequence on a fresh fake and the reset backend; the first divergence, or `undefined`. */
  async run(commands: readonly DifferentialCommand[]): Promise<Divergence | undefined> {
    await this.#options.reset();
    // The fake's clock starts at the real time, so semaphore leases (scored by expiry) line up.
    const clock = new ManualClock(Date.now());
    const store = new InMemoryStore({ clock });
    const reference: DifferentialSide = {
      repositories: DIFFERENTIAL_PREFIXES.map(
        (keyPrefix) => new InMemoryCacheRepository({ store, keyPrefix, serializer: this.#serializer() }),
      ),
      inspector: new InMemoryCacheRepository({ store, serializer: new RawSerializer() }),
      advance: async (ms) => clock.advance(ms),
      now: () => clock.now(),
    };
    return runDifferentialSequence(reference, this.#subject, commands, this.#options.toleranceMs ?? 30_000);
  }

  /** Disconnects the backend's repositories. */
  async close(): Promise<void> {
    for (const repo of [...this.#subject.repositories, this.#subject.inspector]) await repo.disconnect();
  }
}
