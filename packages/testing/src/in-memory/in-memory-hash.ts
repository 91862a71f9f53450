/**
 * The value of a hash key in the fake: field → value (byte strings), plus the fields' TTLs
 * (`HPEXPIRE`, Redis 7.4+). As in Redis, `set` (what `HSET` does) clears a field's TTL, `update`
 * (what `HINCRBY` does) keeps it, and `delete` drops it with the field. Expired fields are removed
 * by {@link InMemoryHash.removeExpired}, which the store calls before any command reads the key
 * (lazy expiry) and from its active expiry cycle. Construct it empty (`new InMemoryHash()`).
 */
export class InMemoryHash extends Map<string, string> {
  /** Expiry time (store clock, ms) of each field that has a TTL. */
  readonly #expiresAt = new Map<string, number>();

  /** Sets a field and clears its TTL, as `HSET` does. */
  override set(field: string, value: string): this {
    this.#expiresAt.delete(field);
    return super.set(field, value);
  }

  /** Sets a field and keeps its TTL, as `HINCRBY` and `HINCRBYFLOAT` do. */
  update(field: string, value: string): void {
    super.set(field, value);
  }

  override delete(field: string): boolean {
    this.#expiresAt.delete(field);
    return super.delete(field);
  }

  override clear(): void {
    this.#expiresAt.clear();
    super.clear();
  }

  /** Gives an existing field a TTL ending at `expiresAt`; false when there is no such field. */
  expireField(field: string, expiresAt: number): boolean {
    if (!this.has(field)) return false;
    this.#expiresAt.set(field, expiresAt);
    return true;
  }

  /** Removes a field's TTL; false when it had none. */
  persistField(field: string): boolean {
    return this.#expiresAt.delete(field);
  }

  /** The field's expiry time, or `undefined` when it has no TTL. */
  fieldExpiresAt(field: string): number | undefined {
    return this.#expiresAt.get(field);
  }

  /** The earliest expiry among the fields, or `undefined` when no field has a TTL. */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const expiresAt of this.#expiresAt.values()) {
      if (next === undefined || expiresAt < next) next = expiresAt;
    }
    return next;
  }

  /** Removes the fields whose TTL has run out by `now`; returns how many. */
  removeExpired(now: number): number {
    let removed = 0;
    for (const [field, expiresAt] of this.#expiresAt) {
      if (expiresAt > now) continue;
      this.delete(field);
      removed++;
    }
    return removed;
  }
}
