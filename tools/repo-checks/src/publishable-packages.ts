import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './repository-root.js';

/** The conditions of one `exports` entry that the consumer checks use. */
interface ExportConditions {
  import?: { types?: string; default?: string };
  require?: { types?: string; default?: string };
}

/** What the checks read from a package's manifest. */
export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  exports?: Record<string, ExportConditions | string>;
}

/** One entry point of a package, as a consumer spells it (`@forno/metrics/prometheus`). */
export interface EntryPoint {
  specifier: string;
  /** Whether the entry has a `require` condition (ESM-only entries are skipped by the require check). */
  requirable: boolean;
}

/** A package of `packages/*` that is published to npm. */
export interface PublishablePackage {
  name: string;
  /** Its folder, absolute. */
  directory: string;
  manifest: PackageManifest;
  entryPoints: EntryPoint[];
}

/**
 * Every publishable package (`packages/*` without `private: true`), read from disk each time,
 * so a package added by anyone is checked without touching the checks.
 */
export function publishablePackages(): PublishablePackage[] {
  const root = join(REPOSITORY_ROOT, 'packages');
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const directory = join(root, entry.name);
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as PackageManifest;
      return { name: manifest.name, directory, manifest, entryPoints: entryPointsOf(manifest) };
    })
    .filter(({ manifest }) => manifest.private !== true)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The code entry points of a manifest's `exports` (not `./package.json`). */
function entryPointsOf(manifest: PackageManifest): EntryPoint[] {
  return Object.entries(manifest.exports ?? {})
    .filter(([subpath]) => !subpath.endsWith('.json'))
    .map(([subpath, conditions]) => ({
      specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
      requirable: typeof conditions === 'string' || conditions.require !== undefined,
    }));
}
