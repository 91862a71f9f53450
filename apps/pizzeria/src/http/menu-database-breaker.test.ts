import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHttpFixture, type HttpFixture } from '../../test/http-fixture.js';

/**
 * Issue #26, in the app: the SQL menu source is behind its own circuit breaker (default
 * `isFailure`), which opens after 5 failures of the database and shows in `/health`.
 */

let http: HttpFixture;

beforeEach(async () => {
  http = await createHttpFixture();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await http.close();
});

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('the menu database breaker', () => {
  it('opens after 5 database failures, shows in /health, and stops calling the database', async () => {
    expect((await http.inject('/menu/margherita')).statusCode).toBe(200); // cached from now on
    const getMenuItem = vi.spyOn(http.fixture.database, 'getMenuItem').mockRejectedValue(refused());

    for (let i = 0; i < 5; i++) {
      const response = await http.inject('/menu/diavola');
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({
        error: 'the menu database is unavailable; retry later',
        code: 'E_DATABASE_UNAVAILABLE',
      });
    }
    expect(getMenuItem).toHaveBeenCalledTimes(5);

    const health = await http.inject('/health');
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({
      status: 'degraded',
      redis: { status: 'ready' },
      circuitBreaker: 'closed',
      database: { circuitBreaker: 'open' },
    });

    const open = await http.inject('/menu/diavola');
    expect(open.statusCode).toBe(503);
    expect(open.json()).toMatchObject({ code: 'E_CIRCUIT_OPEN' });
    expect(getMenuItem).toHaveBeenCalledTimes(5);
    // What the cache holds is still served.
    expect((await http.inject('/menu/margherita')).statusCode).toBe(200);
  });

  it('does not count the caller’s mistakes', async () => {
    for (let i = 0; i < 10; i++) {
      await expect(
        http.fixture.services.menuSource.updateMenuItem('margherita', { price: -1 }),
      ).rejects.toMatchObject({
        code: 'E_VALIDATION',
      });
    }
    expect(http.fixture.services.menuSource.circuitState).toBe('closed');
    expect((await http.inject('/health')).json()).toMatchObject({ database: { circuitBreaker: 'closed' } });
  });
});
