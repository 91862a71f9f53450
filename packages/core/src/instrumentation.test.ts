import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { type CacheEvent, CacheEventEmitter, type CacheEventListener } from './instrumentation.js';

const hit: CacheEvent = { type: 'operation', operation: 'get', outcome: 'hit', durationMs: 1 };
const miss: CacheEvent = { type: 'operation', operation: 'get', outcome: 'miss', durationMs: 2 };

describe('CacheEventEmitter', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('has no listeners at first, and emitting to none is a no-op', () => {
    const emitter = new CacheEventEmitter();
    expect(emitter.hasListeners).toBe(false);
    expect(() => emitter.emit(hit)).not.toThrow();
  });

  it('delivers each event, as is, to every listener in registration order', () => {
    const emitter = new CacheEventEmitter();
    const calls: string[] = [];
    const received: CacheEvent[] = [];
    emitter.onEvent((event) => {
      calls.push('first');
      received.push(event);
    });
    emitter.onEvent(() => calls.push('second'));
    expect(emitter.hasListeners).toBe(true);
    emitter.emit(hit);
    emitter.emit(miss);
    expect(calls).toEqual(['first', 'second', 'first', 'second']);
    expect(received[0]).toBe(hit);
    expect(received[1]).toBe(miss);
  });

  it('removes a listener with the returned function, idempotently', () => {
    const emitter = new CacheEventEmitter();
    const a = vi.fn<CacheEventListener>();
    const b = vi.fn<CacheEventListener>();
    const removeA = emitter.onEvent(a);
    emitter.onEvent(b);
    emitter.emit(hit);
    removeA();
    removeA();
    emitter.emit(miss);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(2);
    expect(emitter.hasListeners).toBe(true);
  });

  it('reports no listeners once the last one is removed', () => {
    const emitter = new CacheEventEmitter();
    const remove = emitter.onEvent(() => {});
    remove();
    expect(emitter.hasListeners).toBe(false);
  });

  it('treats each registration of the same function as its own subscription', () => {
    const emitter = new CacheEventEmitter();
    const listener = vi.fn<CacheEventListener>();
    const removeFirst = emitter.onEvent(listener);
    emitter.onEvent(listener);
    emitter.emit(hit);
    expect(listener).toHaveBeenCalledTimes(2);
    removeFirst();
    emitter.emit(miss);
    expect(listener).toHaveBeenCalledTimes(3); // the second subscription is still there
    expect(emitter.hasListeners).toBe(true);
  });

  it('keeps delivering when a listener throws, and never throws itself', () => {
    const emitter = new CacheEventEmitter();
    const before = vi.fn<CacheEventListener>();
    const after = vi.fn<CacheEventListener>();
    emitter.onEvent(before);
    emitter.onEvent(() => {
      throw new Error('broken metrics');
    });
    emitter.onEvent(() => {
      throw 'not even an Error';
    });
    emitter.onEvent(after);
    expect(() => emitter.emit(hit)).not.toThrow();
    expect(() => emitter.emit(miss)).not.toThrow();
    expect(before).toHaveBeenCalledTimes(2);
    expect(after).toHaveBeenCalledTimes(2);
    expect(after).toHaveBeenLastCalledWith(miss);
  });

  it('swallows the rejection of an async listener (no unhandled rejection)', async () => {
    const emitter = new CacheEventEmitter();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const after = vi.fn<CacheEventListener>();
      emitter.onEvent(async () => {
        throw new Error('async metrics failure');
      });
      emitter.onEvent(after);
      emitter.emit(hit);
      expect(after).toHaveBeenCalledOnce();
      // let the rejection be processed: unhandled rejections are reported after the microtask queue
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('leaves non-promise return values alone', () => {
    const emitter = new CacheEventEmitter();
    emitter.onEvent((() => 42) as unknown as CacheEventListener);
    emitter.onEvent((() => null) as unknown as CacheEventListener);
    // biome-ignore lint/suspicious/noThenProperty: a deliberately broken thenable
    emitter.onEvent((() => ({ then: 'not a function' })) as unknown as CacheEventListener);
    expect(() => emitter.emit(hit)).not.toThrow();
  });

  it('applies changes made during an emit from the next emit on', () => {
    const emitter = new CacheEventEmitter();
    const late = vi.fn<CacheEventListener>();
    const removed = vi.fn<CacheEventListener>();
    let removeRemoved = () => {};
    emitter.onEvent(() => {
      emitter.onEvent(late);
      removeRemoved();
    });
    removeRemoved = emitter.onEvent(removed);
    emitter.emit(hit);
    expect(late).not.toHaveBeenCalled(); // added during the emit: not part of this one
    emitter.emit(miss);
    expect(late).toHaveBeenCalledWith(miss);
    expect(removed).not.toHaveBeenCalledWith(miss);
  });

  it('rejects a listener that is not a function', () => {
    const emitter = new CacheEventEmitter();
    expect(() => emitter.onEvent(null as unknown as CacheEventListener)).toThrow(InvalidArgumentError);
    expect(() => emitter.onEvent({} as unknown as CacheEventListener)).toThrow(/Invalid listener/);
    expect(emitter.hasListeners).toBe(false);
  });

  it('carries every kind of event', () => {
    const emitter = new CacheEventEmitter();
    const received: CacheEvent['type'][] = [];
    emitter.onEvent((event) => received.push(event.type));
    const events: CacheEvent[] = [
      hit,
      { type: 'connection', status: 'ready', connections: 1 },
      { type: 'circuit', state: 'open', previous: 'closed' },
      { type: 'retry', attempt: 1, delayMs: 100, error: new Error('x') },
      { type: 'lock', action: 'acquired', key: 'order_lock:1', durationMs: 3 },
    ];
    for (const event of events) emitter.emit(event);
    expect(received).toEqual(['operation', 'connection', 'circuit', 'retry', 'lock']);
  });
});
