import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { PizzeriaOptions } from '../src/composition-root.js';
import { type BuildServerOptions, buildServer } from '../src/http/build-server.js';
import { createFixture, inMemoryBackend, type PizzeriaFixture } from './pizzeria-fixture.js';

/** The admin token of the test servers. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** The app on the in-memory fake, behind `fastify.inject`. */
export interface HttpFixture {
  readonly fixture: PizzeriaFixture;
  readonly app: FastifyInstance;
  /** A request as a customer: no credentials. */
  inject(options: InjectOptions | string): Promise<LightMyRequestResponse>;
  /** A request with the admin token. */
  admin(options: InjectOptions | string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * Builds the services on a fresh in-memory fake (with a `ManualClock`) and the HTTP server on them,
 * with {@link TEST_ADMIN_TOKEN} and, unless `server.rateLimit` says otherwise, no rate limit.
 */
export async function createHttpFixture(
  server: Partial<BuildServerOptions> = {},
  options: PizzeriaOptions = {},
): Promise<HttpFixture> {
  const fixture = await createFixture(inMemoryBackend, options);
  const app = buildServer(fixture.services, { adminToken: TEST_ADMIN_TOKEN, rateLimit: false, ...server });
  const withToken = (options: InjectOptions | string): InjectOptions => {
    const base = typeof options === 'string' ? { url: options } : options;
    return { ...base, headers: { ...base.headers, authorization: `Bearer ${TEST_ADMIN_TOKEN}` } };
  };
  return {
    fixture,
    app,
    inject: (options) => app.inject(options),
    admin: (options) => app.inject(withToken(options)),
    close: async () => {
      await app.close();
      await fixture.close();
    },
  };
}

/** A JSON body sent as raw text, for what `JSON.stringify` cannot write (`1e400`, 20,000 levels). */
export function rawJson(
  method: NonNullable<InjectOptions['method']>,
  url: string,
  payload: string,
): InjectOptions {
  return { method, url, headers: { 'content-type': 'application/json' }, payload };
}
