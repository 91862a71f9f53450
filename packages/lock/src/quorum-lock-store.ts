import type { LeaseGrant, LockBackend } from '@forno/core';
import {
  type AcquireAttempt,
  type LeaseStore,
  type ReleaseWatch,
  releaseNotice,
  releaseWatchOf,
} from './lease-store.js';

type Vote<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/**
 * Redlock: the same key on N independent repositories, held when a majority (⌊N/2⌋+1) granted
 * it. A decision is taken as soon as the quorum is reached or has become impossible, so one
 * frozen instance costs nothing. Every failed attempt is rolled back on every instance, and a
 * grant that arrives after the decision is deleted if the lock is not held by then.
 *
 * Fencing: each instance keeps its own counter, so the tokens are a vector, not one global order.
 * `fencingToken` is the largest granted token (a hint, see the README); `fencingTokens` holds the
 * vector that a fenced resource can check safely.
 */
export class QuorumLockStore implements LeaseStore {
  readonly key: string;
  readonly watches: readonly ReleaseWatch[];
  readonly quorum: number;
  readonly #repositories: readonly LockBackend[];
  /** Tokens currently held, so a grant that arrives late can tell whether to undo itself. */
  readonly #held = new Set<string>();

  readonly #fencing: boolean;

  /** `fencing: false` takes the lock without touching the fencing counters. */
  constructor(repositories: readonly LockBackend[], key: string, fencing = true) {
    this.#repositories = repositories;
    this.#fencing = fencing;
    this.key = key;
    this.quorum = Math.floor(repositories.length / 2) + 1;
    this.watches = repositories.map((repository) => releaseWatchOf(repository, key));
  }

  tryAcquire(
    token: string,
    leaseMs: number,
    _waiter?: string,
    claimHandoff = false,
  ): Promise<AcquireAttempt> {
    const options = { fencing: this.#fencing, claimHandoff };
    const n = this.#repositories.length;
    const votes: (Vote<LeaseGrant> | undefined)[] = new Array(n).fill(undefined);
    return new Promise((resolve) => {
      let decided = false;
      let granted = 0;
      let refused = 0;
      const decide = () => {
        if (decided) return;
        if (granted >= this.quorum) {
          decided = true;
          this.#held.add(token);
          resolve(this.#granted(votes));
        } else if (refused > n - this.quorum) {
          decided = true;
          this.#rollBack(token);
          resolve(this.#refused(votes));
        }
      };
      this.#repositories.forEach((repository, i) => {
        repository.setIfAbsent(this.key, token, leaseMs, options).then(
          (grant) => {
            votes[i] = { ok: true, value: grant };
            if (grant.acquired) granted++;
            else refused++;
            if (decided && grant.acquired && !this.#held.has(token)) this.#undo(repository, token);
            decide();
          },
          (error: unknown) => {
            votes[i] = { ok: false, error };
            refused++;
            // The command may have been applied before the failure: undo it at once.
            this.#undo(repository, token);
            decide();
          },
        );
      });
    });
  }

  /** `true` once a quorum extended; `false` once a quorum is impossible because the key is gone. */
  async extend(token: string, leaseMs: number): Promise<boolean> {
    const { yes, no, errors } = await this.#vote((repository) =>
      repository.compareAndExpire(this.key, token, leaseMs),
    );
    if (yes >= this.quorum) return true;
    if (no > this.#repositories.length - this.quorum) return false;
    throw new AggregateError(
      errors,
      `extended on ${yes} of ${this.#repositories.length} instances, quorum is ${this.quorum}`,
    );
  }

  /** Deletes everywhere; `true` once a quorum confirmed (the other instances finish in the background). */
  async release(token: string): Promise<boolean> {
    this.#held.delete(token);
    const { yes } = await this.#vote((repository, i) =>
      repository.compareAndDelete(this.key, token, releaseNotice(this.watches[i]!, true)),
    );
    return yes >= this.quorum;
  }

  /**
   * Sends `command` to every instance and resolves as soon as the outcome is decided: a quorum
   * said yes, or too many said no or failed. Late answers are ignored (and never rejected).
   */
  #vote(
    command: (repository: LockBackend, index: number) => Promise<boolean>,
  ): Promise<{ yes: number; no: number; errors: unknown[] }> {
    const n = this.#repositories.length;
    const tally = { yes: 0, no: 0, errors: [] as unknown[] };
    return new Promise((resolve) => {
      const settle = () => {
        const against = tally.no + tally.errors.length;
        if (tally.yes >= this.quorum || against > n - this.quorum || tally.yes + against === n)
          resolve(tally);
      };
      for (const [index, repository] of this.#repositories.entries()) {
        command(repository, index).then(
          (ok) => {
            if (ok) tally.yes++;
            else tally.no++;
            settle();
          },
          (error: unknown) => {
            tally.errors.push(error);
            settle();
          },
        );
      }
    });
  }

  #granted(votes: readonly (Vote<LeaseGrant> | undefined)[]): AcquireAttempt {
    const fencingTokens = votes.map((vote) =>
      vote?.ok && vote.value.acquired ? vote.value.fencingToken : null,
    );
    const granted = fencingTokens.filter((t): t is number => t !== null);
    const fencingToken = granted.length === 0 ? null : Math.max(...granted);
    return { acquired: true, fencingToken, fencingTokens };
  }

  /**
   * Refusal, with when to look again: the time at which a quorum of instances may be free (the
   * quorum-th smallest remaining lease; instances that failed or did not answer never count).
   */
  #refused(votes: readonly (Vote<LeaseGrant> | undefined)[]): AcquireAttempt {
    const freeIn = votes
      .map((vote) => {
        if (!vote?.ok) return Number.POSITIVE_INFINITY;
        if (vote.value.acquired) return 0;
        return vote.value.remainingTtl < 0 ? Number.POSITIVE_INFINITY : vote.value.remainingTtl;
      })
      .sort((a, b) => a - b);
    const at = freeIn[this.quorum - 1] ?? Number.POSITIVE_INFINITY;
    const errors = votes.flatMap((vote) => (vote && !vote.ok ? [vote.error] : []));
    return {
      acquired: false,
      retryAfter: Number.isFinite(at) ? at : -1,
      ...(errors.length === 0
        ? {}
        : { error: new AggregateError(errors, `${errors.length} of ${votes.length} instances failed`) }),
    };
  }

  #rollBack(token: string): void {
    for (const repository of this.#repositories) this.#undo(repository, token);
  }

  #undo(repository: LockBackend, token: string): void {
    repository.compareAndDelete(this.key, token).catch(() => {
      // Best effort: the lease expires by itself.
    });
  }
}
