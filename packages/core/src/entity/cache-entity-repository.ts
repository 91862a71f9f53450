import type { Duration } from '../duration.js';
import {
  EntityExistsError,
  EntityNotFoundError,
  InvalidArgumentError,
  InvalidConfigError,
} from '../errors.js';
import { escapeGlob } from '../glob.js';
import { assertKnownOptions, functionOption, integerOption, ttlOption } from '../options.js';
import type { CacheRepository } from '../repository/cache-repository.js';
import { assertNonEmptyString } from '../validation.js';
import type { Repository } from './repository.js';

/** Separates the entity name from the id in keys; entity names cannot contain it. */
const SEPARATOR = ':';

const OWNER = 'CacheEntityRepository';
const OPTIONS = { entityName: 'string', getId: 'function', ttl: 'any', batchSize: 'any' } as const;

/** Options of {@link CacheEntityRepository}. */
export interface CacheEntityRepositoryOptions<TEntity, TKey> {
  /**
   * Name used in keys: an entity lives at `<entityName>:<id>` under the cache's prefix. It cannot
   * contain `:`, so no two entity names share keys (`order:refund.1` is the order `refund.1`,
   * `order.refund:1` the `order.refund` entity `1`).
   */
  readonly entityName: string;
  /** Reads an entity's id. Default: its `id` property. */
  readonly getId?: (entity: TEntity) => TKey;
  /** Expire every stored entity after this long. Default: never. */
  readonly ttl?: Duration;
  /** How many keys `find` reads per SCAN + MGET round trip. Default 250. */
  readonly batchSize?: number;
}

/**
 * A {@link Repository} stored in any {@link CacheRepository}: one key per entity, values through the
 * cache's serializer. `find` streams with SCAN + MGET batches, never `KEYS` and never one GET per key.
 */
export class CacheEntityRepository<TEntity, TKey extends string | number = string>
  implements Repository<TEntity, TKey>
{
  readonly #cache: CacheRepository;
  readonly #namespace: string;
  readonly #getId: (entity: TEntity) => TKey;
  readonly #ttl: number | undefined;
  readonly #batchSize: number;

  constructor(cache: CacheRepository, options: CacheEntityRepositoryOptions<TEntity, TKey>) {
    if (options === undefined)
      throw new InvalidConfigError('options', `${OWNER} needs an options object with entityName`);
    assertKnownOptions(options, OPTIONS, OWNER);
    if (typeof options.entityName !== 'string' || options.entityName.length === 0) {
      throw new InvalidConfigError('options.entityName', `${OWNER} needs a non-empty string`);
    }
    if (options.entityName.includes(SEPARATOR)) {
      throw new InvalidConfigError(
        'options.entityName',
        `cannot contain "${SEPARATOR}", which separates the name from the id in keys`,
      );
    }
    this.#cache = cache;
    this.#namespace = `${options.entityName}${SEPARATOR}`;
    this.#getId = functionOption(
      options.getId,
      'getId',
      (entity: TEntity) => (entity as { id: TKey }).id,
      OWNER,
    );
    this.#ttl = ttlOption(options.ttl, 'ttl', OWNER);
    this.#batchSize = integerOption(options.batchSize, 'batchSize', 1, 250, OWNER);
  }

  async contains(id: TKey): Promise<boolean> {
    return this.#cache.exists(this.#keyOf(id));
  }

  async get(id: TKey): Promise<TEntity | null> {
    return this.#cache.get<TEntity>(this.#keyOf(id));
  }

  async add(entity: TEntity): Promise<TEntity> {
    const id = this.#idOf(entity);
    const written = await this.#cache.set(this.#keyOf(id), entity, { ...this.#ttlOption(), nx: true });
    if (!written) throw new EntityExistsError(`${this.#namespace.slice(0, -1)} ${String(id)} already exists`);
    return entity;
  }

  async update(entity: TEntity): Promise<TEntity> {
    const id = this.#idOf(entity);
    const written = await this.#cache.set(this.#keyOf(id), entity, { ...this.#ttlOption(), xx: true });
    if (!written)
      throw new EntityNotFoundError(`${this.#namespace.slice(0, -1)} ${String(id)} does not exist`);
    return entity;
  }

  async remove(id: TKey): Promise<boolean> {
    return (await this.#cache.delete(this.#keyOf(id))) > 0;
  }

  async *find(pattern = '*'): AsyncGenerator<TEntity, void, undefined> {
    assertNonEmptyString(pattern, 'pattern');
    let batch: string[] = [];
    for await (const key of this.#cache.scan(escapeGlob(this.#namespace) + pattern, {
      count: this.#batchSize,
    })) {
      batch.push(key);
      if (batch.length >= this.#batchSize) {
        yield* this.#load(batch);
        batch = [];
      }
    }
    if (batch.length > 0) yield* this.#load(batch);
  }

  async *#load(keys: readonly string[]): AsyncGenerator<TEntity, void, undefined> {
    for (const entity of await this.#cache.mget<TEntity>(keys)) {
      if (entity !== null) yield entity; // deleted between SCAN and MGET
    }
  }

  #ttlOption(): { ttl?: number } {
    return this.#ttl === undefined ? {} : { ttl: this.#ttl };
  }

  #idOf(entity: TEntity): TKey {
    if (entity === null || typeof entity !== 'object') {
      throw new InvalidArgumentError('entity', 'expected an object');
    }
    return this.#getId(entity);
  }

  #keyOf(id: TKey): string {
    if ((typeof id !== 'string' || id.length === 0) && !(typeof id === 'number' && Number.isFinite(id))) {
      throw new InvalidArgumentError(
        'id',
        `expected a non-empty string or a finite number, got ${String(id)}`,
      );
    }
    return this.#namespace + String(id);
  }
}
