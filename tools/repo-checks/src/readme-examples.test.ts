import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  diagnosticsByExample,
  type ReadmeExample,
  RUNNABLE_MARKER,
  readmeExamples,
  readmeFiles,
} from './readme-examples.js';
import { REPOSITORY_ROOT, readRepositoryFile } from './repository-root.js';
import { TYPESCRIPT_VERSIONS } from './typescript-versions.js';

const project = inject('consumerProject');
const examples = readmeExamples();
/** Examples of the packages' READMEs and the root one: code a user of the published packages writes. */
const libraryExamples = examples.filter((example) => !example.readme.startsWith('apps/'));
/** Examples of a private app's README: its own code, checked inside the app against its sources. */
const appExamples = examples.filter((example) => example.readme.startsWith('apps/'));
const sources = join(project.directory, 'docs');
const compiled = join(project.directory, 'docs-out');
const newest5 = TYPESCRIPT_VERSIONS.find((version) => version.label.includes('newest 5.x'))!;

/** Compiler diagnostics per example id. */
const diagnostics = new Map<string, string[]>();

/** Runs the newest 5.x `tsc` on a project and files its diagnostics under the examples. */
function typeCheck(tsconfig: string, folder: string, checked: ReadmeExample[]): void {
  const run = spawnSync(process.execPath, [newest5.tsc, '-p', tsconfig, '--pretty', 'false'], {
    cwd: folder,
    encoding: 'utf8',
  });
  for (const [id, lines] of diagnosticsByExample(`${run.stdout}${run.stderr}`, checked, folder)) {
    diagnostics.set(id, [...(diagnostics.get(id) ?? []), ...lines]);
  }
}

/**
 * Writes each example to its own module in the scratch project (where only the packed packages
 * are installed) and compiles them all at once: strict, nodenext, ESM, declarations unchecked
 * (the tarball consumer test checks those). Legacy decorators are on for the NestJS example.
 */
function compileExamples(): void {
  rmSync(sources, { recursive: true, force: true });
  rmSync(compiled, { recursive: true, force: true });
  mkdirSync(sources, { recursive: true });
  for (const example of libraryExamples) writeFileSync(join(sources, example.fileName), example.code);
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
  typeCheck(join(sources, 'tsconfig.json'), sources, libraryExamples);
}

/**
 * Compiles each app's README examples with the app's own tsconfig, in a folder under the app's
 * node_modules: `./src/…` imports in an example resolve to the app's sources (the README sits
 * beside `src/`), `@forno/*` to the workspace (the app is not published).
 */
function compileAppExamples(): void {
  for (const readme of new Set(appExamples.map((example) => example.readme))) {
    const app = join(REPOSITORY_ROOT, dirname(readme));
    const folder = join(app, 'node_modules', '.cache', 'readme-examples');
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    const ofApp = appExamples.filter((example) => example.readme === readme);
    for (const example of ofApp) {
      writeFileSync(join(folder, example.fileName), example.code.replaceAll("from './", "from '../../../"));
    }
    writeFileSync(
      join(folder, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../../tsconfig.json',
        compilerOptions: { noEmit: true },
        include: ['*.ts'],
      }),
    );
    typeCheck(join(folder, 'tsconfig.json'), folder, ofApp);
  }
}

let server: RedisServer | undefined;

beforeAll(async () => {
  compileExamples();
  compileAppExamples();
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

describe('README install lines', () => {
  it('use one style, `npm install` (the common denominator of the package managers)', () => {
    const otherStyles = readmeFiles().flatMap((readme) =>
      readRepositoryFile(readme)
        .split('\n')
        .map((line, index) => ({ line, at: `${readme}:${index + 1}` }))
        .filter(({ line }) => /^\s*(pnpm add|yarn add|npm i |npm add|bun add)\b/.test(line))
        .map(({ at, line }) => `${at} ${line.trim()}`),
    );
    expect(otherStyles).toEqual([]);
  });
});

describe('README examples marked ```ts run run to completion against a redis-server', () => {
  it('only examples of the published packages are marked to run (an app example is its own code)', () => {
    expect(appExamples.filter((example) => example.runnable).map((example) => example.id)).toEqual([]);
  });

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
