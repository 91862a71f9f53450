import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from './repository-root.js';

interface Manifest {
  name: string;
  private?: boolean;
  license?: string;
  homepage?: string;
  bugs?: { url?: string };
  repository?: { url?: string; directory?: string };
  keywords?: string[];
  engines?: { node?: string };
  sideEffects?: boolean;
  files?: string[];
  publishConfig?: { access?: string; provenance?: boolean };
}

const PACKAGES = join(REPOSITORY_ROOT, 'packages');
const publishable = readdirSync(PACKAGES)
  .map((folder) => ({
    folder,
    manifest: JSON.parse(readFileSync(join(PACKAGES, folder, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter(({ manifest }) => manifest.private !== true);

describe('every publishable package carries the metadata npm shows and the release needs', () => {
  it('finds the packages', () => {
    expect(publishable.map(({ manifest }) => manifest.name)).toContain('@forno/core');
  });

  for (const { folder, manifest } of publishable) {
    it(manifest.name, () => {
      expect(manifest.license).toBe('MIT');
      expect(existsSync(join(PACKAGES, folder, 'LICENSE')), 'a LICENSE file beside package.json').toBe(true);
      expect(readFileSync(join(PACKAGES, folder, 'LICENSE'), 'utf8')).toBe(
        readFileSync(join(REPOSITORY_ROOT, 'LICENSE'), 'utf8'),
      );
      expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'README.md', 'LICENSE']));
      expect(manifest.homepage).toBe(
        `https://github.com/forno-dev/forno/tree/main/packages/${folder}#readme`,
      );
      expect(manifest.bugs?.url).toBe('https://github.com/forno-dev/forno/issues');
      expect(manifest.repository).toMatchObject({
        url: 'git+https://github.com/forno-dev/forno.git',
        directory: `packages/${folder}`,
      });
      expect(manifest.keywords).toEqual(expect.arrayContaining(['redis', 'forno']));
      expect(manifest.engines?.node).toBe('>=20');
      expect(manifest.sideEffects).toBe(false);
      expect(manifest.publishConfig).toEqual({ access: 'public', provenance: true });
    });
  }
});
