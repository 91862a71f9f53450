import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { CacheRepositoryDecorator } from './cache-repository-decorator.js';
import type { CommandInvoker } from './forwarding-commands.js';
import type { CacheBackend } from './observable-repository.js';

class RecordingDecorator extends CacheRepositoryDecorator {
  constructor(inner: CacheBackend, invoke: CommandInvoker) {
    super(inner, invoke);
  }
}

/** Just enough of a backend for the constructor's checks; no command reaches it. */
function backendStub(omit: readonly string[] = []): CacheBackend {
  const stub: Record<string, unknown> = {
    keyPrefix: 'app:',
    get: () => Promise.resolve(null),
    setIfAbsent: () => Promise.resolve({ acquired: true, fencingToken: null }),
    onEvent: () => () => {},
    getPerformanceSummary: () => Promise.resolve({}),
    metrics: undefined,
  };
  for (const name of omit) delete stub[name];
  return stub as unknown as CacheBackend;
}

describe('CacheRepositoryDecorator', () => {
  it('hands data commands and lock-backend commands alike to its invoker', async () => {
    const calls: Array<[string, unknown[]]> = [];
    const decorator = new RecordingDecorator(backendStub(), async (name, args) => {
      calls.push([name, args]);
      return name;
    });
    expect(await decorator.get('k')).toBe('get');
    expect(await decorator.setIfAbsent('lock', 't', '1s')).toBe('setIfAbsent');
    expect(await decorator.acquireSemaphore('ovens', 't', 3, '1s')).toBe('acquireSemaphore');
    expect(await decorator.publish('channel', 'm')).toBe('publish');
    expect(calls.map(([name]) => name)).toEqual(['get', 'setIfAbsent', 'acquireSemaphore', 'publish']);
    expect(decorator.keyPrefix).toBe('app:');
  });

  it.each(['get', 'setIfAbsent', 'onEvent'])('refuses an inner repository without %s', (missing) => {
    const build = () => new RecordingDecorator(backendStub([missing]), async () => undefined);
    expect(build).toThrow(InvalidArgumentError);
    expect(build).toThrow(/inner/);
  });
});
