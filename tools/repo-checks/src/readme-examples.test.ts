import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { diagnosticsByExample, RUNNABLE_MARKER, readmeExamples } from './readme-examples.js';
import { TYPESCRIPT_VERSIONS } from './typescript-versions.js';

const project = inject('consumerProject');
const examples = readmeExamples();
const sources = join(project.directory, 'docs');
const compiled = join(project.directory, 'docs-out');

/** Compiler diagnostics per example id, from one `tsc` run over every example. */
let diagnostics = new Map<string, string[]>();

/**
 * Writes each example to its own module in the scratch project (where only the packed packages
 * are installed) and compiles them all at once: strict, nodenext, ESM, declarations unchecked
 * (the tarball consumer test checks those). Legacy decorators are on for the NestJS example.
 */
function compileExamples(): void {
  rmSync(sources, { recursive: true, force: true });
  rmSync(compiled, { recursive: true, force: true });
  mkdirSync(sources, { recursive: true });
  for (const example of examples) writeFileSync(join(sources, example.fileName), example.code);
  writeFileSync(
    join(sources, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        moduleDetection: 'force',
        target: 'es2022',
        lib: ['es2022', 'esnext.disposable'],
        types: ['node'],
        experimentalDecorators: true,
        skipLibCheck: true,
        outDir: compiled,
        rootDir: sources,
      },
      include: ['*.ts'],
    }),
  );
  const newest5 = TYPESCRIPT_VERSIONS.find((version) => version.label.includes('newest 5.x'))!;
  const run = spawnSync(
    process.execPath,
    [newest5.tsc, '-p', join(sources, 'tsconfig.json'), '--pretty', 'false'],
    {
      cwd: sources,
      encoding: 'utf8',
    },
  );
  diagnostics = diagnosticsByExample(`${run.stdout}${run.stderr}`, examples, sources);
}

let server: RedisServer | undefined;

beforeAll(async () => {
  compileExamples();
  if (examples.some((example) => example.runnable)) server = await startRedisServer();
  console.log(
    [
      `README examples (${examples.length} compiled, ${examples.filter((example) => example.runnable).length} run):`,
      ...examples.map((example) => `  ${example.id}${example.runnable ? ` (${RUNNABLE_MARKER})` : ''}`),
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('README examples compile against the packed packages', () => {
  it('there are examples, and the compiler said nothing about anything but them', () => {
    expect(examples.length).toBeGreaterThan(0);
    expect(diagnostics.get('') ?? []).toEqual([]);
  });

  for (const example of examples) {
    it(example.id, () => {
      expect(diagnostics.get(example.id) ?? []).toEqual([]);
    });
  }
});

describe('README examples marked ```ts run run to completion against a redis-server', () => {
  it('the root README has one', () => {
    expect(examples.filter((example) => example.readme === 'README.md' && example.runnable).length).toBe(1);
  });

  for (const example of examples.filter((candidate) => candidate.runnable)) {
    it(example.id, () => {
      const run = spawnSync(process.execPath, [join(compiled, example.fileName.replace(/\.ts$/, '.js'))], {
        cwd: project.directory,
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${server!.port}` },
      });
      expect(run.signal, 'exited by itself within 20 s').toBeNull();
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    });
  }
});
