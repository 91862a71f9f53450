import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishablePackages } from './publishable-packages.js';
import { REPOSITORY_ROOT, readRepositoryFile } from './repository-root.js';

/** The workspace folders pnpm-workspace.yaml lists (`packages/*` expanded), relative to the root. */
function workspaceFolders(): string[] {
  const patterns = [...readRepositoryFile('pnpm-workspace.yaml').matchAll(/^ {2}- (\S+)$/gm)].map(
    (m) => m[1]!,
  );
  return patterns.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(REPOSITORY_ROOT, pattern.slice(0, -2)))
          .map((name) => `${pattern.slice(0, -2)}/${name}`)
          .filter((folder) => existsSync(join(REPOSITORY_ROOT, folder, 'package.json')))
      : [pattern],
  );
}

/** A workspace's manifest, read from a copy of the repository. */
function manifestIn(root: string, folder: string): { name: string; version: string; private?: boolean } {
  return JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
}

const folders = workspaceFolders();
const changesets = readdirSync(join(REPOSITORY_ROOT, '.changeset')).filter(
  (name) => name.endsWith('.md') && name !== 'README.md',
);
let scratch = '';
let run: SpawnSyncReturns<string>;

beforeAll(() => {
  // What `changeset version` reads: the root and workspace manifests, the workspace list, .changeset/.
  scratch = mkdtempSync(join(tmpdir(), 'forno-changeset-version-'));
  for (const file of ['package.json', 'pnpm-workspace.yaml'])
    cpSync(join(REPOSITORY_ROOT, file), join(scratch, file));
  cpSync(join(REPOSITORY_ROOT, '.changeset'), join(scratch, '.changeset'), { recursive: true });
  for (const folder of folders) {
    mkdirSync(join(scratch, folder), { recursive: true });
    cpSync(join(REPOSITORY_ROOT, folder, 'package.json'), join(scratch, folder, 'package.json'));
  }
  // The changelog generator the config names is resolved from the project.
  symlinkSync(join(REPOSITORY_ROOT, 'node_modules'), join(scratch, 'node_modules'));
  run = spawnSync(join(REPOSITORY_ROOT, 'node_modules', '.bin', 'changeset'), ['version'], {
    cwd: scratch,
    encoding: 'utf8',
  });
}, 60_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('`changeset version` on a copy of the repository', () => {
  it('succeeds', () => {
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  });

  it('leaves private workspaces alone: same version, no CHANGELOG', () => {
    const privateFolders = folders.filter((folder) => manifestIn(REPOSITORY_ROOT, folder).private === true);
    expect(privateFolders).toContain('apps/pizzeria');
    for (const folder of privateFolders) {
      expect(manifestIn(scratch, folder).version, folder).toBe(manifestIn(REPOSITORY_ROOT, folder).version);
      expect(existsSync(join(scratch, folder, 'CHANGELOG.md')), `${folder}/CHANGELOG.md`).toBe(false);
    }
  });

  it('versions every publishable package that a changeset names, with a CHANGELOG entry (0.0.0 → 0.1.0 for the first release)', () => {
    const named = new Set(
      changesets.flatMap((file) =>
        [...readRepositoryFile(`.changeset/${file}`).matchAll(/^"(@forno\/[a-z-]+)": /gm)].map((m) => m[1]!),
      ),
    );
    for (const pkg of publishablePackages().filter((candidate) => named.has(candidate.name))) {
      const folder = pkg.directory.slice(REPOSITORY_ROOT.length);
      const before = pkg.manifest.version;
      const after = manifestIn(scratch, folder).version;
      if (before === '0.0.0') expect(after, pkg.name).toBe('0.1.0');
      else expect(after, pkg.name).not.toBe(before);
      expect(readFileSync(join(scratch, folder, 'CHANGELOG.md'), 'utf8'), pkg.name).toContain(`## ${after}`);
    }
  });

  it('consumes the changesets', () => {
    const left = readdirSync(join(scratch, '.changeset')).filter(
      (name) => name.endsWith('.md') && name !== 'README.md',
    );
    expect(left).toEqual([]);
  });
});
