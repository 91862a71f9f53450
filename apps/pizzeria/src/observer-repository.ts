import { type CacheBackend, type CacheRepository, CacheUnavailableError } from '@forno/core';
import { CacheRepositoryDecorator } from '@forno/core/backend';
import { ChaosCacheRepository, InMemoryCacheRepository } from '@forno/testing';
import type { BackendConfig } from './backend-config.js';

/**
 * A switch over chaos wrappers (`CHAOS=1`): while `broken`, every call through them fails with
 * `CacheUnavailableError`, as if Redis were down; the dashboard's "break Redis" toggle flips it.
 */
export class ChaosSwitch {
  readonly #wrappers: ChaosCacheRepository[] = [];
  #broken = false;

  /** Wraps `repository` in a chaos wrapper that follows this switch. */
  wrap<TInner extends CacheBackend>(repository: TInner): ChaosCacheRepository<TInner> {
    const chaos = new ChaosCacheRepository(repository, {
      seed: 1,
      failureRate: this.#broken ? 1 : 0,
      errors: [
        (operation) => new CacheUnavailableError(`chaos: ${operation} failed (Redis broken on purpose)`),
      ],
    });
    this.#wrappers.push(chaos);
    return chaos;
  }

  /** Whether every wrapped call fails. */
  get broken(): boolean {
    return this.#broken;
  }

  set broken(broken: boolean) {
    this.#broken = broken;
    for (const chaos of this.#wrappers) chaos.failureRate = broken ? 1 : 0;
  }
}

/**
 * A second view of the app's cache for observers (the dashboard): the same data, without metrics,
 * so watching the shop does not change the figures it shows (an idle kitchen polled every second
 * would otherwise count a miss a second). The in-memory fake shares its store; a backend the app
 * created gets one more connection of its own, opened on first use, as an external monitor would;
 * any other repository is observed through itself (its metrics then include the dashboard's reads).
 */
export function observerRepository<TRepository extends CacheBackend>(
  repository: TRepository,
  created: ((config: BackendConfig) => TRepository) | undefined,
  config: BackendConfig | undefined,
): { readonly repository: CacheBackend; readonly owned: boolean } {
  const inMemory = innermost(repository);
  if (inMemory instanceof InMemoryCacheRepository) {
    return {
      repository: new InMemoryCacheRepository({
        store: inMemory.store,
        keyPrefix: inMemory.keyPrefix,
        serializer: inMemory.serializer,
      }),
      owned: false,
    };
  }
  if (created !== undefined && config !== undefined) return { repository: created(config), owned: true };
  return { repository, owned: false };
}

/** The repository at the bottom of a chain of decorators. */
function innermost(repository: CacheRepository): CacheRepository {
  let current = repository;
  while (current instanceof CacheRepositoryDecorator) current = current.inner;
  return current;
}
