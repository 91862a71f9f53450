import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from './repository-root.js';

const CHANGESETS = join(REPOSITORY_ROOT, '.changeset');

/** The name and `private` flag of every workspace package. */
function workspacePackages(): Map<string, boolean> {
  const packages = new Map<string, boolean>();
  for (const folder of ['packages', 'apps', 'tools']) {
    for (const name of readdirSync(join(REPOSITORY_ROOT, folder))) {
      const manifest = JSON.parse(readFileSync(join(REPOSITORY_ROOT, folder, name, 'package.json'), 'utf8'));
      packages.set(manifest.name, manifest.private === true);
    }
  }
  return packages;
}

describe('changesets', () => {
  it('`changeset status` succeeds (every changeset parses)', () => {
    const run = spawnSync('pnpm', ['exec', 'changeset', 'status'], {
      cwd: REPOSITORY_ROOT,
      encoding: 'utf8',
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  });

  it('each changeset names only publishable packages, with a bump and a description', () => {
    const packages = workspacePackages();
    // Right after a release there are none; the `status` test still runs.
    const files = readdirSync(CHANGESETS).filter((name) => name.endsWith('.md') && name !== 'README.md');
    for (const file of files) {
      const text = readFileSync(join(CHANGESETS, file), 'utf8');
      const match = /^---\n([\s\S]*?)\n---\n+([\s\S]+)$/.exec(text);
      expect(match, `${file}: frontmatter`).not.toBeNull();
      const releases = match![1]!.split('\n').filter((line) => line.trim());
      expect(releases.length, `${file}: releases`).toBeGreaterThan(0);
      for (const line of releases) {
        const release = /^"(@forno\/[a-z-]+)": (patch|minor|major)$/.exec(line);
        expect(release, `${file}: "${line}"`).not.toBeNull();
        expect(packages.get(release![1]!), `${file}: ${release![1]} is a publishable workspace package`).toBe(
          false,
        );
      }
      expect(match![2]!.trim().length, `${file}: description`).toBeGreaterThan(20);
    }
  });
});
