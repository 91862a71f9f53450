import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { installedAlone, readPackedManifest } from './consumer-project.js';
import { publishablePackages } from './publishable-packages.js';
import { TYPESCRIPT_VERSIONS } from './typescript-versions.js';

const project = inject('consumerProject');
const packages = publishablePackages();
const entryPoints = packages.flatMap((pkg) => pkg.entryPoints);

/** Runs node (or a node script) in the consumer project and returns its result. */
function node(args: string[]) {
  return spawnSync(process.execPath, args, { cwd: project.directory, encoding: 'utf8' });
}

/** {@link node} without blocking: resolves with the exit status and everything printed. */
function nodeAsync(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: project.directory,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** Writes a file of the consumer project (its folders too). */
function writeProjectFile(path: string, text: string): void {
  mkdirSync(join(project.directory, path, '..'), { recursive: true });
  writeFileSync(join(project.directory, path), text);
}

describe('the packed packages, installed from their tarballs by npm', () => {
  it('every package is checked, with every entry point of its exports map', () => {
    expect(packages.map((pkg) => pkg.name)).toContain('@forno/core');
    for (const pkg of packages) expect(pkg.entryPoints.length, pkg.name).toBeGreaterThan(0);
  });

  it('are all built before this test: tools/repo-checks lists each as a dev dependency (turbo builds those first)', () => {
    const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const missing = packages
      .map((pkg) => pkg.name)
      .filter((name) => own.devDependencies[name] !== 'workspace:*');
    expect(missing, 'add them to tools/repo-checks/package.json as "workspace:*"').toEqual([]);
  });

  it('ship no workspace: ranges (pnpm pack rewrote them)', () => {
    for (const pkg of packages) {
      const manifest = readPackedManifest(project.tarballs[pkg.name]!);
      expect(JSON.stringify(manifest), pkg.name).not.toContain('workspace:');
    }
  });

  it('load with ESM import: every entry point, each with exports', () => {
    const specifiers = entryPoints.map((entry) => entry.specifier);
    writeProjectFile(
      'checks/import-all.mjs',
      `for (const specifier of ${JSON.stringify(specifiers)}) {
  const loaded = await import(specifier);
  console.log(specifier, Object.keys(loaded).length);
}\n`,
    );
    const run = node(['checks/import-all.mjs']);
    expect(run.status, run.stderr).toBe(0);
    expectEveryEntryExports(run.stdout, specifiers);
  });

  it('load with CommonJS require: every entry point with a require condition', () => {
    const specifiers = entryPoints.filter((entry) => entry.requirable).map((entry) => entry.specifier);
    expect(specifiers).toContain('@forno/core');
    writeProjectFile(
      'checks/require-all.cjs',
      `for (const specifier of ${JSON.stringify(specifiers)}) {
  console.log(specifier, Object.keys(require(specifier)).length);
}\n`,
    );
    const run = node(['checks/require-all.cjs']);
    expect(run.status, run.stderr).toBe(0);
    expectEveryEntryExports(run.stdout, specifiers);
  });

  describe('type-check in a strict nodenext project (declarations included: no skipLibCheck)', () => {
    writeTypeCheckProject();
    for (const typescript of TYPESCRIPT_VERSIONS) {
      // Concurrent: each compiler is its own process.
      it.concurrent(typescript.label, async () => {
        const run = await nodeAsync([typescript.tsc, '-p', 'typecheck/tsconfig.json']);
        expect(run.output).toBe('');
        expect(run.status).toBe(0);
      });
    }
  });
});

describe('installing one package pulls only what it needs', () => {
  // Resolved concurrently: each is an `npm install --package-lock-only` of its own.
  const installs = new Map(packages.map((pkg) => [pkg.name, installedAlone(project, pkg.name)]));

  it('@forno/core alone has no dependencies', async () => {
    expect(await installs.get('@forno/core')).toEqual(['@forno/core']);
  });

  it('@forno/lock pulls no Redis client', async () => {
    const installed = await installs.get('@forno/lock')!;
    expect(installed).toContain('@forno/lock');
    expect(installed).not.toContain('ioredis');
    expect(installed).not.toContain('redis');
  });

  it('@forno/redis-driver pulls ioredis, and no test tooling', async () => {
    const installed = await installs.get('@forno/redis-driver')!;
    expect(installed).toContain('ioredis');
    expect(installed).not.toContain('@forno/testing');
    expect(installed).not.toContain('vitest');
  });

  for (const pkg of packages) {
    it(`${pkg.name}: its @forno/* dependencies exactly, and no test runner, property tester or compiler`, async () => {
      const installed = await installs.get(pkg.name)!;
      expect(installed.filter((name) => name.startsWith('@forno/'))).toEqual(fornoClosure(pkg.name));
      for (const tool of ['vitest', 'fast-check', 'typescript', 'tsup'])
        expect(installed).not.toContain(tool);
    });
  }
});

/** Each line of the loader's output says how many exports an entry point has: at least one. */
function expectEveryEntryExports(output: string, specifiers: string[]): void {
  const counts = Object.fromEntries(
    output
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .map(([specifier, count]) => [specifier, Number(count)]),
  );
  expect(Object.keys(counts)).toEqual(specifiers);
  for (const specifier of specifiers) expect(counts[specifier], specifier).toBeGreaterThan(0);
}

/** A package and the `@forno/*` packages its packed manifest depends on, transitively. */
function fornoClosure(name: string, seen = new Set<string>()): string[] {
  seen.add(name);
  const dependencies = readPackedManifest(project.tarballs[name]!).dependencies ?? {};
  for (const dependency of Object.keys(dependencies)) {
    if (dependency.startsWith('@forno/') && !seen.has(dependency)) fornoClosure(dependency, seen);
  }
  return [...seen].sort();
}

/**
 * A strict `nodenext` project that imports every entry point from ESM (`.ts`) and requires
 * every requirable one from CommonJS (`.cts`), plus `await using` on a lock.
 */
function writeTypeCheckProject(): void {
  writeProjectFile(
    'typecheck/tsconfig.json',
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'esnext.disposable'],
          types: ['node'],
          noEmit: true,
          skipLibCheck: false,
        },
        include: ['*.ts', '*.cts'],
      },
      null,
      2,
    ),
  );
  writeProjectFile(
    'typecheck/import-all.ts',
    [
      ...entryPoints.map((entry, index) => `import * as entry${index} from '${entry.specifier}';`),
      `import type { DistributedLock } from '@forno/lock';`,
      '',
      `export const entries: object[] = [${entryPoints.map((_, index) => `entry${index}`).join(', ')}];`,
      '',
      '/** `await using` releases the lock when the block ends. */',
      'export async function underLock(lock: DistributedLock, work: () => Promise<void>): Promise<void> {',
      '  await using held = await lock.acquire();',
      '  if (held.signal.aborted) return;',
      '  await work();',
      '}',
      '',
    ].join('\n'),
  );
  const requirable = entryPoints.filter((entry) => entry.requirable);
  writeProjectFile(
    'typecheck/require-all.cts',
    [
      ...requirable.map((entry, index) => `import entry${index} = require('${entry.specifier}');`),
      '',
      `export const entries: object[] = [${requirable.map((_, index) => `entry${index}`).join(', ')}];`,
      '',
    ].join('\n'),
  );
}
