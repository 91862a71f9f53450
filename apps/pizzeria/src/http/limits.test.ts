import { afterEach, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture, rawJson } from '../../test/http-fixture.js';
import { BODY_LIMIT_BYTES, PREFERENCES_MAX_BYTES, PREFERENCES_MAX_DEPTH } from './json-bounds.js';

/** Issue #13 item 11: size bounds on bodies and fields, and a rate limit per client. */

let http: HttpFixture | undefined;

afterEach(async () => {
  await http?.close();
  http = undefined;
});

const session = (customerId: string, preferences: unknown) => ({
  method: 'POST' as const,
  url: '/sessions',
  payload: { customerId, preferences },
});

describe('size bounds', () => {
  it('refuses ~950 KB of session preferences with a 413 in the app format, storing nothing', async () => {
    http = await createHttpFixture();
    const response = await http.inject(session('c1', { notes: 'x'.repeat(950_000) }));
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      error: `the request body is larger than ${BODY_LIMIT_BYTES} bytes`,
      code: 'E_PAYLOAD_TOO_LARGE',
      field: 'body',
    });
    expect((await http.inject('/sessions/c1')).statusCode).toBe(404);
  });

  it(`bounds preferences to ${PREFERENCES_MAX_BYTES} bytes (413) and ${PREFERENCES_MAX_DEPTH} levels (400)`, async () => {
    http = await createHttpFixture();
    const large = await http.inject(session('c1', { notes: 'x'.repeat(PREFERENCES_MAX_BYTES) }));
    expect(large.statusCode).toBe(413);
    expect(large.json()).toMatchObject({ code: 'E_PAYLOAD_TOO_LARGE', field: 'preferences' });

    let deep: unknown = 'thin';
    for (let i = 0; i <= PREFERENCES_MAX_DEPTH; i++) deep = { a: deep };
    const tooDeep = await http.inject(session('c1', deep));
    expect(tooDeep.statusCode).toBe(400);
    const field = ['preferences', ...Array<string>(PREFERENCES_MAX_DEPTH).fill('a')].join('.');
    expect(tooDeep.json()).toMatchObject({ code: 'E_VALIDATION', field });

    const fine = await http.inject(session('c1', { crust: 'thin', extras: { cheese: ['double'] } }));
    expect(fine.statusCode).toBe(201);
  });

  it('refuses lone surrogates, which would come back as U+FFFD', async () => {
    http = await createHttpFixture();
    const response = await http.inject(
      rawJson('POST', '/sessions', '{"customerId":"c1","preferences":{"name":"\\ud800"}}'),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'E_VALIDATION', field: 'preferences.name' });
  });

  it('refuses __proto__ and constructor.prototype keys', async () => {
    http = await createHttpFixture();
    for (const payload of [
      '{"customerId":"c1","preferences":{"__proto__":{"admin":true}}}',
      '{"customerId":"c1","preferences":{"constructor":{"prototype":{"admin":true}}}}',
    ]) {
      const response = await http.inject(rawJson('POST', '/sessions', payload));
      expect(response.statusCode, payload).toBe(400);
      expect(response.json()).toMatchObject({ code: 'E_BAD_REQUEST', field: 'body' });
    }
  });
});

describe('rate limit', () => {
  it('answers 429 in the app format with Retry-After once a client used its budget; other clients are not affected', async () => {
    http = await createHttpFixture({ rateLimit: { max: 5, writeMax: 2, timeWindow: 60_000 } });
    const from = (remoteAddress: string) => ({ url: '/menu', remoteAddress });
    for (let i = 0; i < 5; i++) expect((await http.inject(from('10.0.0.1'))).statusCode).toBe(200);
    const limited = await http.inject(from('10.0.0.1'));
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({ error: 'too many requests: retry in 60 s', code: 'E_RATE_LIMITED' });
    expect(limited.headers['retry-after']).toBe('60');
    expect((await http.inject(from('10.0.0.2'))).statusCode).toBe(200);
  });

  it('gives writes a smaller budget than reads, and counts failed admin logins', async () => {
    http = await createHttpFixture({ rateLimit: { max: 50, writeMax: 2, timeWindow: 60_000 } });
    const create = (customerId: string) => ({ ...session(customerId, {}), remoteAddress: '10.0.0.3' });
    expect((await http.inject(create('c1'))).statusCode).toBe(201);
    expect((await http.inject(create('c2'))).statusCode).toBe(201);
    expect((await http.inject(create('c3'))).statusCode).toBe(429);
    expect((await http.inject({ url: '/menu', remoteAddress: '10.0.0.3' })).statusCode).toBe(200);

    const guess = { url: '/stats', remoteAddress: '10.0.0.4', headers: { authorization: 'Bearer guess' } };
    for (let i = 0; i < 2; i++) expect((await http.inject(guess)).statusCode).toBe(401);
    expect((await http.inject(guess)).statusCode).toBe(429);
  });
});
