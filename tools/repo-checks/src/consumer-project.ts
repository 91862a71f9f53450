import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PublishablePackage, publishablePackages } from './publishable-packages.js';
import { REPOSITORY_ROOT } from './repository-root.js';

/**
 * Where scratch consumer projects live: outside the repository, so that nothing resolves
 * through the workspace's own node_modules; one folder per checkout, so that checkouts tested
 * side by side never remove each other's project. Kept between runs (see {@link prepareConsumerProject}).
 */
const CACHE_ROOT = join(
  tmpdir(),
  'forno-repo-checks',
  createHash('sha256').update(REPOSITORY_ROOT).digest('hex').slice(0, 12),
);

/** Bump when the consumer project's shape changes, so a cached project is not reused. */
const PROJECT_LAYOUT_VERSION = '1';

/** The `@types/node` a consumer of the packages uses (the oldest Node.js the packages support). */
const NODE_TYPES_RANGE = '^20.19.0';

/** A scratch npm project with every publishable package installed from its packed tarball. */
export interface ConsumerProject {
  /** The project folder (its node_modules holds the tarballs' contents, no workspace links). */
  directory: string;
  /** Package name -> absolute path of its tarball. */
  tarballs: Record<string, string>;
}

/**
 * Packs every publishable package with `pnpm pack` (which rewrites `workspace:*` the way a
 * publish does) and installs the tarballs with npm into a scratch project, with every optional
 * peer dependency a user may add and `extraDependencies` (what the README examples import).
 * The project is cached under the tarballs' content hash: an unchanged build reuses it, any
 * change to a package's packed files makes a new one.
 */
export function prepareConsumerProject(extraDependencies: Record<string, string> = {}): ConsumerProject {
  const packages = publishablePackages();
  const staging = join(CACHE_ROOT, `staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const pkg of packages) run('pnpm', ['pack', '--pack-destination', staging], pkg.directory);

  const fingerprint = createHash('sha256')
    .update(PROJECT_LAYOUT_VERSION)
    .update(JSON.stringify(extraDependencies));
  for (const file of readdirSync(staging).sort())
    fingerprint.update(file).update(readFileSync(join(staging, file)));
  const directory = join(CACHE_ROOT, `consumer-${fingerprint.digest('hex').slice(0, 16)}`);
  const tarballs = tarballsByName(packages, join(directory, 'tarballs'));

  if (existsSync(join(directory, '.installed'))) {
    rmSync(staging, { recursive: true, force: true });
    return { directory, tarballs };
  }
  // A new build: drop older projects (each is ~60 MB) and install this one.
  for (const old of readdirSync(CACHE_ROOT).filter((name) => name.startsWith('consumer-'))) {
    rmSync(join(CACHE_ROOT, old), { recursive: true, force: true });
  }
  mkdirSync(directory, { recursive: true });
  renameSync(staging, join(directory, 'tarballs'));
  const dependencies: Record<string, string> = { ...extraDependencies, '@types/node': NODE_TYPES_RANGE };
  for (const pkg of packages) {
    dependencies[pkg.name] = `file:${tarballs[pkg.name]}`;
    // Every peer is optional here (serializers, metrics bridges, the test runner): a user adds them.
    Object.assign(dependencies, readPackedManifest(tarballs[pkg.name]!).peerDependencies);
  }
  writeFileSync(
    join(directory, 'package.json'),
    JSON.stringify({ name: 'forno-consumer', private: true, type: 'module', dependencies }, null, 2),
  );
  run('npm', ['install', ...NPM_FLAGS], directory);
  writeFileSync(join(directory, '.installed'), '');
  return { directory, tarballs };
}

/** Quiet, offline-first, no install scripts (msgpackr's native add-on is optional). */
const NPM_FLAGS = ['--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

/**
 * The names of every package npm installs for a project that depends on `name` alone (its
 * other `@forno/*` dependencies come from their tarballs through `overrides`). Resolved with
 * `--package-lock-only`: what npm would install, without extracting it.
 */
export async function installedAlone(project: ConsumerProject, name: string): Promise<string[]> {
  const directory = join(project.directory, 'alone', name.replace('/', '+'));
  const lockfile = join(directory, 'package-lock.json');
  if (!existsSync(lockfile)) {
    mkdirSync(directory, { recursive: true });
    const overrides = Object.fromEntries(
      Object.entries(project.tarballs)
        .filter(([other]) => other !== name)
        .map(([other, tarball]) => [other, `file:${tarball}`]),
    );
    writeFileSync(
      join(directory, 'package.json'),
      JSON.stringify(
        {
          name: 'alone',
          private: true,
          dependencies: { [name]: `file:${project.tarballs[name]}` },
          overrides,
        },
        null,
        2,
      ),
    );
    await runAsync('npm', ['install', '--package-lock-only', ...NPM_FLAGS], directory);
  }
  const lock = JSON.parse(readFileSync(lockfile, 'utf8')) as { packages: Record<string, unknown> };
  return [
    ...new Set(
      Object.keys(lock.packages)
        .filter((path) => path !== '')
        .map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)),
    ),
  ].sort();
}

/** The manifest inside a packed tarball, as npm will see it. */
export function readPackedManifest(tarball: string): {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
} {
  return JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], CACHE_ROOT));
}

/** Package name -> tarball path in `folder`, for the file names `pnpm pack` gives. */
function tarballsByName(packages: PublishablePackage[], folder: string): Record<string, string> {
  return Object.fromEntries(
    packages.map((pkg) => [
      pkg.name,
      join(folder, `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.manifest.version}.tgz`),
    ]),
  );
}

/** Runs a command to completion; throws with its output if it fails. */
function run(command: string, args: string[], cwd: string): string {
  mkdirSync(cwd, { recursive: true });
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** {@link run} without blocking, so independent npm resolutions overlap. */
function runAsync(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (status) =>
      status === 0
        ? resolve(output)
        : reject(new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${output}`)),
    );
  });
}
