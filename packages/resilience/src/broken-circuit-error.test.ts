import { CacheError, CacheUnavailableError, isCacheError } from '@forno/core';
import { describe, expect, it } from 'vitest';
import { BrokenCircuitError } from './broken-circuit-error.js';
import { isTransientError } from './transient-error.js';

describe('BrokenCircuitError', () => {
  it('is a CacheUnavailableError with a stable code, recognised across installs by code', () => {
    const cause = new CacheUnavailableError('ECONNREFUSED');
    const error = new BrokenCircuitError({ reason: 'open', retryAfterMs: 1_500, cause });
    expect(error).toBeInstanceOf(CacheError);
    expect(CacheUnavailableError.is(error)).toBe(true);
    expect(BrokenCircuitError.is(error)).toBe(true);
    expect(BrokenCircuitError.is(cause)).toBe(false);
    expect(isCacheError(error, 'E_CIRCUIT_OPEN')).toBe(true);
    expect(error).toMatchObject({
      name: 'BrokenCircuitError',
      code: 'E_CIRCUIT_OPEN',
      retryAfterMs: 1_500,
      cause,
    });
    expect(error.message).toContain('next probe in 1500ms');
  });

  it('is not transient: retrying an open circuit is pointless', () => {
    expect(isTransientError(new BrokenCircuitError({ reason: 'half-open' }))).toBe(false);
    expect(isTransientError(new CacheUnavailableError('down'))).toBe(true);
  });
});
