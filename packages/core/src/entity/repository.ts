/**
 * A repository of entities, as in Neuroglia's data layer (`Repository[TEntity, TKey]`): the
 * aggregate store a domain service depends on, independent of where entities live.
 */
export interface Repository<TEntity, TKey extends string | number = string> {
  /** Whether an entity with this id exists. */
  contains(id: TKey): Promise<boolean>;
  /** The entity with this id, or `null`. */
  get(id: TKey): Promise<TEntity | null>;
  /** Stores a new entity; throws `EntityExistsError` (`E_ENTITY_EXISTS`) if the id is taken. */
  add(entity: TEntity): Promise<TEntity>;
  /** Replaces an existing entity; throws `EntityNotFoundError` (`E_ENTITY_NOT_FOUND`) if absent. */
  update(entity: TEntity): Promise<TEntity>;
  /** Removes the entity with this id; `true` if it existed. */
  remove(id: TKey): Promise<boolean>;
  /** Streams entities whose id matches a glob pattern (default: all). Like SCAN, it may yield one twice if the server rehashes meanwhile. */
  find(pattern?: string): AsyncIterable<TEntity>;
}
