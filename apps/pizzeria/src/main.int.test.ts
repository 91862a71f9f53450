import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '@forno/testing/servers';
import { afterEach, expect, it } from 'vitest';
import { envWithoutRedis, runScript, type ScriptProcess } from '../test/run-script.js';

let running: ScriptProcess | undefined;
let dir: string | undefined;

afterEach(async () => {
  if (running?.child.exitCode === null) running.child.kill('SIGKILL');
  running = undefined;
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function getWhenUp(url: string, deadline: number): Promise<Response> {
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline || running?.child.exitCode !== null) {
        throw new Error(`${url} did not answer: ${(error as Error).message}\n${running?.output()}`);
      }
      await sleep(200);
    }
  }
}

it('starts on PORT with no Redis configured (the demo) and answers GET /health with 200', async () => {
  const port = await findFreePort();
  dir = await mkdtemp(join(tmpdir(), 'pizzeria-main-'));
  running = runScript(
    'src/main.ts',
    [],
    envWithoutRedis({ PORT: String(port), DATABASE_PATH: join(dir, 'p.db') }),
  );

  const response = await getWhenUp(`http://127.0.0.1:${port}/health`, Date.now() + 45_000);
  expect(response.status).toBe(200);
  expect((await response.json()) as unknown).toMatchObject({
    status: 'ok',
    backend: expect.stringMatching(/^in-memory/),
  });
  const menu = await fetch(`http://127.0.0.1:${port}/menu`);
  expect(((await menu.json()) as { items: unknown[] }).items).toHaveLength(6);
  expect(running.output()).toContain('backend: in-memory');
  expect(running.output()).toMatch(/seeded 6 menu items/);

  // No PIZZERIA_ADMIN_TOKEN: admin routes are closed, and the token generated for this run is
  // printed with the URL, as Jupyter does.
  expect((await fetch(`http://127.0.0.1:${port}/stats`)).status).toBe(401);
  const token = /Authorization: Bearer ([A-Za-z0-9_-]{43})" http:\/\/127\.0\.0\.1:\d+\/stats/.exec(
    running.output(),
  )?.[1];
  expect(token, running.output()).toBeDefined();
  const stats = await fetch(`http://127.0.0.1:${port}/stats`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(stats.status).toBe(200);

  running.child.kill('SIGTERM');
  expect(await running.exited).toBe(0);
});

it('takes the admin token from PIZZERIA_ADMIN_TOKEN and never prints it', async () => {
  const port = await findFreePort();
  const token = 'env-admin-token-that-must-stay-secret';
  running = runScript(
    'src/main.ts',
    [],
    envWithoutRedis({ PORT: String(port), DATABASE_PATH: ':memory:', PIZZERIA_ADMIN_TOKEN: token }),
  );
  await getWhenUp(`http://127.0.0.1:${port}/health`, Date.now() + 45_000);
  const url = `http://127.0.0.1:${port}/stats`;
  expect((await fetch(url, { headers: { authorization: 'Bearer guess-guess-guess-guess' } })).status).toBe(
    401,
  );
  expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  expect(running.output()).toContain('admin routes need the token of PIZZERIA_ADMIN_TOKEN');
  running.child.kill('SIGTERM');
  expect(await running.exited).toBe(0);
  expect(running.output()).not.toContain(token);
});

it('refuses a bad PORT with a message naming it', async () => {
  running = runScript('src/main.ts', [], envWithoutRedis({ PORT: 'pizza' }));
  expect(await running.exited).toBe(1);
  expect(running.output()).toMatch(/PORT/);
});
