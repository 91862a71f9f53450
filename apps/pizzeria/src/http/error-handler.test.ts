import {
  CacheTimeoutError,
  CacheUnavailableError,
  CommandError,
  EntityExistsError,
  InvalidArgumentError,
  PayloadTooLargeError,
  SerializationError,
  WrongTypeError,
} from '@forno/core';
import { LockTimeoutError } from '@forno/lock';
import { BrokenCircuitError } from '@forno/resilience';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { errorHandler } from './error-handler.js';

/** Issue #13 item 10: client input errors are 4xx, not 503, and no answer shows an internal key. */

const KEY = 'mario_pizzeria:sessions:c1';

async function answerTo(error: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const app = Fastify();
  app.setErrorHandler(errorHandler);
  app.get('/', async () => {
    throw error;
  });
  const response = await app.inject('/');
  await app.close();
  expect(response.body).not.toContain(KEY);
  return { status: response.statusCode, body: response.json() };
}

describe('errorHandler', () => {
  it.each<[string, unknown, number, string]>([
    [
      'a value that cannot be serialized',
      new SerializationError('JSON cannot represent Infinity', { key: KEY }),
      422,
      'E_SERIALIZATION',
    ],
    [
      'a value over maxPayloadBytes',
      new PayloadTooLargeError(`payload of ${KEY} too large`),
      413,
      'E_PAYLOAD_TOO_LARGE',
    ],
    ['a bad argument', new InvalidArgumentError('key', `"${KEY}" is too long`), 400, 'E_INVALID_ARGUMENT'],
    ['an entity that exists', new EntityExistsError(`entity ${KEY} exists`), 409, 'E_ENTITY_EXISTS'],
  ])('answers %s with a 4xx and its code, never 503', async (_name, error, status, code) => {
    const answer = await answerTo(error);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: expect.any(String), code });
  });

  it.each<[unknown, string]>([
    [new CacheUnavailableError(`connection lost while reading ${KEY}`), 'E_CACHE_UNAVAILABLE'],
    [new CacheTimeoutError(`get ${KEY} timed out`), 'E_CACHE_TIMEOUT'],
    [new BrokenCircuitError({ reason: 'open' }), 'E_CIRCUIT_OPEN'],
    [new LockTimeoutError(KEY, 30_000), 'E_LOCK_TIMEOUT'],
  ])('answers an outage (%s) with 503 and a fixed text', async (error, code) => {
    const answer = await answerTo(error);
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: expect.stringMatching(/retry later$/), code });
  });

  it('answers what is a bug of the app (WRONGTYPE, an error reply, a TypeError) with a bare 500', async () => {
    for (const error of [
      new WrongTypeError(`WRONGTYPE ${KEY}`),
      new CommandError(`ERR ${KEY}`),
      new TypeError(KEY),
    ]) {
      expect(await answerTo(error)).toEqual({
        status: 500,
        body: { error: 'internal server error', code: 'E_INTERNAL' },
      });
    }
  });
});
