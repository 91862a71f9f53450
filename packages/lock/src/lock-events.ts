import type { CacheEvent, CacheEventEmitter } from '@forno/core';

/** The `action` of a `lock` {@link CacheEvent}. */
export type LockAction = Extract<CacheEvent, { type: 'lock' }>['action'];

/**
 * Emits a `lock` event, building it only when someone listens, so uninstrumented locks pay one
 * length check per event.
 */
export function emitLockEvent(
  events: CacheEventEmitter,
  action: LockAction,
  key: string,
  durationMs?: number,
): void {
  if (!events.hasListeners) return;
  events.emit(
    durationMs === undefined ? { type: 'lock', action, key } : { type: 'lock', action, key, durationMs },
  );
}
