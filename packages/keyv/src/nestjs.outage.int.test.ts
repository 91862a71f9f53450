import 'reflect-metadata';
import { CacheTimeoutError } from '@forno/core';
import { CacheInterceptor, CacheModule } from '@nestjs/cache-manager';
import { Controller, Get, type INestApplication, Module, Param, UseInterceptors } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  COMMAND_TIMEOUT_MS,
  eventually,
  MARGIN_MS,
  timed,
  useOutageFixture,
} from '../test/outage-fixture.js';

const fixture = useOutageFixture();
const loads: string[] = [];

/** A minimal NestJS HTTP handler cached by CacheInterceptor (key: the URL). */
@Controller('menu')
@UseInterceptors(CacheInterceptor)
class MenuController {
  @Get(':id')
  find(id: string) {
    loads.push(id);
    return { id, loads: loads.length };
  }
}
// `@Param('id')` on the parameter, applied by hand: Biome does not parse parameter decorators.
Param('id')(MenuController.prototype, 'find', 0);

let app: INestApplication;
let url: string;

beforeAll(async () => {
  @Module({
    // The README's recipe: the bare store; NestJS wraps it in a Keyv with this namespace and TTL.
    imports: [CacheModule.register({ stores: [fixture.store], namespace: 'http', ttl: 60_000 })],
    controllers: [MenuController],
  })
  class AppModule {}
  app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  url = await app.getUrl();
});

afterAll(async () => {
  await app?.close();
});

async function request(path: string) {
  const response = await fetch(`${url}${path}`);
  return { status: response.status, cache: response.headers.get('x-cache'), body: await response.json() };
}

it('CacheInterceptor over FornoKeyvStore: the second GET is served from Redis', async () => {
  expect(await request('/menu/margherita')).toEqual({
    status: 200,
    cache: 'MISS',
    body: { id: 'margherita', loads: 1 },
  });
  expect(await request('/menu/margherita')).toEqual({
    status: 200,
    cache: 'HIT',
    body: { id: 'margherita', loads: 1 },
  });
  expect(await fixture.repository.exists('http:/menu/margherita')).toBe(true);
  expect(fixture.errors).toEqual([]);
});

it('Redis frozen (SIGSTOP): requests are answered by the handler within one command deadline, errors carry CacheTimeoutError', async () => {
  await fixture.server.pause();
  try {
    const { value, ms } = await timed(() => request('/menu/diavola'));
    console.info(
      `[outage] NestJS GET with Redis frozen: ${ms.toFixed(0)} ms (commandTimeout ${COMMAND_TIMEOUT_MS} ms)`,
    );
    expect(value).toEqual({ status: 200, cache: 'MISS', body: { id: 'diavola', loads: 2 } });
    expect(ms).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
    await eventually(
      'the background cache write has failed too',
      async () => fixture.errors.length >= 2,
      5_000,
    );
    expect(fixture.errors.map((error) => error.operation)).toEqual(['get', 'set']);
    expect(fixture.errors.every((error) => CacheTimeoutError.is(error.cause))).toBe(true);
  } finally {
    await fixture.server.resume();
  }
});

it('Redis back (SIGCONT): responses are cached and served from Redis again', async () => {
  await eventually(
    'GET /menu/quattro is a cache hit',
    async () => (await request('/menu/quattro')).cache === 'HIT',
  );
  expect(loads.filter((id) => id === 'quattro')).toHaveLength(1);
  expect(await request('/menu/margherita')).toMatchObject({ cache: 'HIT', body: { loads: 1 } });
});

it('closing the app disconnects the store and its repository', async () => {
  await app.close();
  expect(fixture.repository.status).toBe('closed');
});
