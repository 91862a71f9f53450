import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT, readRepositoryFile } from './repository-root.js';

/** The lines of the README's first shell block: its two commands. */
function readmeCommands(): string[] {
  const readme = readRepositoryFile('README.md');
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.length > 0);
}

const rootPackage = JSON.parse(readRepositoryFile('package.json')) as {
  packageManager: string;
  scripts: Record<string, string>;
};
const pnpmMajor = /^pnpm@(\d+)\./.exec(rootPackage.packageManager)?.[1];

describe("the README's two commands", () => {
  it('are the demo through npx-installed pnpm and .ci/run, in that order', () => {
    expect(pnpmMajor).toBeDefined();
    expect(readmeCommands()).toEqual([
      `npx -y pnpm@${pnpmMajor} install && npx -y pnpm@${pnpmMajor} demo`,
      'bash .ci/run',
    ]);
  });

  it('the demo builds the pizzeria and starts it, and the app defaults to the in-memory backend', () => {
    expect(rootPackage.scripts.demo).toBe(
      'turbo run build --filter=@forno/pizzeria... && pnpm --filter @forno/pizzeria start',
    );
    const app = JSON.parse(readRepositoryFile('apps/pizzeria/package.json')) as {
      scripts: Record<string, string>;
    };
    expect(app.scripts.start).toBe('tsx src/main.ts');
    expect(readRepositoryFile('apps/pizzeria/src/backend-config.ts')).toMatch(/in-memory/);
  });

  it('.ci/run installs the same pnpm major, then ends with the frozen install and pnpm test', () => {
    const script = readRepositoryFile('.ci/run');
    expect(script).toContain(`pnpm@${pnpmMajor}`);
    const lastCommands = script
      .trim()
      .split('\n')
      .filter((line) => line.trim() && !line.trim().startsWith('#'))
      .slice(-2);
    expect(lastCommands).toEqual(['pnpm install --frozen-lockfile', 'pnpm test']);
    expect(rootPackage.scripts.test).toMatch(/turbo run test/);
  });

  it('.ci/run says what is missing, and how to get it, when it may not install redis-server', () => {
    // A PATH with Node.js, npm and pnpm but no redis-server; FORNO_NO_INSTALL forbids installing.
    const run = runCi(['bash', 'dirname', 'id', 'cut', 'node', 'npm', 'pnpm'], {});
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain('redis-server and redis-cli');
    expect(run.stderr).toContain('sudo apt-get install redis-server redis-tools');
    expect(run.stdout).not.toContain('pnpm install');
  });

  it(".ci/run installs chromium for the dashboard's browser test, or says how to get it", () => {
    const script = readRepositoryFile('.ci/run');
    // The same pattern as redis-server: apt-get as root (or passwordless sudo) unless FORNO_NO_INSTALL.
    expect(script).toMatch(/as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium/);
    // Everything but Chromium is there; FORNO_NO_INSTALL forbids installing it.
    const run = runCi(['bash', 'dirname', 'id', 'cut', 'node', 'npm', 'pnpm', 'redis-server', 'redis-cli'], {
      CHROMIUM_PATH: '/nonexistent/chromium',
    });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain('needs Chromium at /nonexistent/chromium');
    expect(run.stderr).toContain('sudo apt-get install chromium');
    expect(run.stdout).not.toContain('pnpm install');
  });

  it('.ci/run builds Redis 8 for the hash-field TTL tests, or says how to get it', () => {
    const script = readRepositoryFile('.ci/run');
    expect(script).toContain('bash .ci/install-redis-8');
    // Everything but Redis 8 is there (HOME is a fresh folder without ~/.cache/forno).
    const run = runCi(['bash', 'dirname', 'id', 'cut', 'node', 'npm', 'pnpm', 'redis-server', 'redis-cli'], {
      CHROMIUM_PATH: process.execPath,
    });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain('the hash-field TTL tests need Redis 8.0.2');
    expect(run.stderr).toContain('bash .ci/install-redis-8');
    expect(run.stdout).not.toContain('pnpm install');
  });
});

/** Runs .ci/run with only `tools` on PATH and FORNO_NO_INSTALL set (it may install nothing). */
function runCi(tools: readonly string[], env: Record<string, string>) {
  const bin = mkdtempSync(join(tmpdir(), 'forno-path-'));
  try {
    for (const tool of tools) symlinkSync(which(tool), join(bin, tool));
    return spawnSync(join(bin, 'bash'), [join(REPOSITORY_ROOT, '.ci/run')], {
      env: { PATH: bin, HOME: bin, FORNO_NO_INSTALL: '1', ...env },
      encoding: 'utf8',
    });
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

/** The absolute path of a tool on this machine's PATH. */
function which(tool: string): string {
  if (tool === 'node') return process.execPath;
  const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
  if (!found.startsWith('/')) throw new Error(`${tool} is not on PATH`);
  return found;
}
