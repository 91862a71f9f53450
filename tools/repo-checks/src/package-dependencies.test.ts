import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from './repository-root.js';

/**
 * A package's manifest tells users what `npm install` brings: `dependencies` are installed with it,
 * optional `peerDependencies` are the user's choice. Both must say exactly what the built `dist`
 * imports — a dependency that `dist` never imports is a download every user pays for (the driver
 * once pulled the testing kit and a vitest peer warning this way), and an import that the manifest
 * does not declare fails at the user's first `import`. The check reads the built output, so it
 * needs `pnpm turbo run build` first (turbo's `test` task builds the workspace packages this
 * package lists as dev dependencies).
 */

interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const PACKAGES = join(REPOSITORY_ROOT, 'packages');
const DIST_FILE = /\.(?:c|m)?js$|\.d\.(?:c|m)?ts$/;
const BUILTINS = new Set(builtinModules);

const publishable = readdirSync(PACKAGES)
  .filter((folder) => existsSync(join(PACKAGES, folder, 'package.json')))
  .map((folder) => ({
    folder,
    manifest: JSON.parse(readFileSync(join(PACKAGES, folder, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter(({ manifest }) => manifest.private !== true);

/** Every file below `folder`, recursively. */
function filesBelow(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The module specifiers a built JavaScript or declaration file loads (static, dynamic, require). */
function importedSpecifiers(code: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s*)(["'])([\w@.:/-]+)\1/gm;
  return [...code.matchAll(pattern)].map((match) => match[2] as string);
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or null for a relative path or a Node built-in. */
function packageOfSpecifier(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return null;
  if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0] as string)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

/** The packages that the files of `dist` import, other than the package itself. */
function packagesImportedByDist(folder: string, ownName: string): Set<string> {
  const imported = new Set<string>();
  for (const file of filesBelow(join(PACKAGES, folder, 'dist'))) {
    if (!DIST_FILE.test(file)) continue;
    for (const specifier of importedSpecifiers(readFileSync(file, 'utf8'))) {
      const name = packageOfSpecifier(specifier);
      if (name !== null && name !== ownName) imported.add(name);
    }
  }
  return imported;
}

describe('reading import specifiers from built files', () => {
  it('finds ESM, CommonJS, dynamic and declaration imports', () => {
    const code = [
      'import { a } from "@forno/core";',
      "export * from '@forno/metrics/prometheus';",
      'var b = require("ioredis");',
      'const c = await import("msgpackr");',
      'import "side-effect";',
      'import type { D } from "vitest";',
      'args(["--cluster-from", idOf(from), "--cluster-to"]);',
    ].join('\n');
    expect(importedSpecifiers(code)).toEqual([
      '@forno/core',
      '@forno/metrics/prometheus',
      'ioredis',
      'msgpackr',
      'side-effect',
      'vitest',
    ]);
  });

  it('names the package behind a specifier, and none for built-ins and relative paths', () => {
    expect(packageOfSpecifier('@forno/testing/servers')).toBe('@forno/testing');
    expect(packageOfSpecifier('lru-cache')).toBe('lru-cache');
    expect(packageOfSpecifier('fs/promises')).toBeNull();
    expect(packageOfSpecifier('node:net')).toBeNull();
    expect(packageOfSpecifier('./chunk-ABC.js')).toBeNull();
  });
});

describe("every publishable package's manifest declares exactly what its built dist imports", () => {
  it('finds the packages', () => {
    expect(publishable.map(({ manifest }) => manifest.name)).toContain('@forno/redis-driver');
  });

  for (const { folder, manifest } of publishable) {
    describe(manifest.name, () => {
      const dist = join(PACKAGES, folder, 'dist');
      const dependencies = Object.keys(manifest.dependencies ?? {});
      const peers = Object.keys(manifest.peerDependencies ?? {});

      it('has a built dist to read', () => {
        expect(existsSync(dist), `${dist} is missing: run \`pnpm turbo run build\``).toBe(true);
      });

      it('imports nothing that is neither a dependency nor a peer', () => {
        const imported = packagesImportedByDist(folder, manifest.name);
        const undeclared = [...imported].filter(
          (name) => !dependencies.includes(name) && !peers.includes(name),
        );
        expect(undeclared, 'imported by dist but missing from dependencies/peerDependencies').toEqual([]);
      });

      it('declares no dependency or peer that dist never imports', () => {
        const imported = packagesImportedByDist(folder, manifest.name);
        const unused = [...dependencies, ...peers].filter((name) => !imported.has(name));
        expect(unused, 'declared but never imported by dist (move it to devDependencies)').toEqual([]);
      });

      it('keeps test-only code out of src/: only its *.test.ts files import dev dependencies', () => {
        const offending = filesBelow(join(PACKAGES, folder, 'src'))
          .filter((file) => /\.ts$/.test(file) && !/\.test\.ts$/.test(file))
          .flatMap((file) =>
            importedSpecifiers(readFileSync(file, 'utf8'))
              .map(packageOfSpecifier)
              .filter((name): name is string => name !== null && name !== manifest.name)
              .filter((name) => !dependencies.includes(name) && !peers.includes(name))
              .map((name) => `${relative(REPOSITORY_ROOT, file)} imports ${name}`),
          );
        expect(offending, "test support belongs in the package's test/ folder").toEqual([]);
      });

      it('marks every peer optional and names it in the README', () => {
        const readme = readFileSync(join(PACKAGES, folder, 'README.md'), 'utf8');
        for (const peer of peers) {
          expect(manifest.peerDependenciesMeta?.[peer]?.optional, `${peer} is an optional peer`).toBe(true);
          expect(readme, `the README says what ${peer} is needed for`).toContain(peer);
        }
      });
    });
  }
});
