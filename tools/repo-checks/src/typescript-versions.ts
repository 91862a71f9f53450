import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A TypeScript compiler the packages are checked with, installed under an npm alias. */
export interface TypeScriptVersion {
  /** The version and why it is in the list. */
  label: string;
  /** The `tsc` script to run with node. */
  tsc: string;
}

/** This workspace's node_modules, where the aliases are installed. */
const NODE_MODULES = fileURLToPath(new URL('../node_modules/', import.meta.url));

/** The `tsc` of a TypeScript installed as `alias`, with its version in the label. */
function compiler(alias: string, why: string): TypeScriptVersion {
  const manifest = JSON.parse(readFileSync(join(NODE_MODULES, alias, 'package.json'), 'utf8')) as {
    version: string;
    bin: { tsc: string };
  };
  return {
    label: `TypeScript ${manifest.version} (${why})`,
    tsc: join(NODE_MODULES, alias, manifest.bin.tsc),
  };
}

/**
 * The TypeScript versions a consumer may use: the oldest the packages claim (5.2, the first
 * with `await using`, which the lock README relies on), the newest 5.x (the workspace's own)
 * and the newest 7 (the native compiler). Bumping one is a change to tools/repo-checks/package.json.
 */
export const TYPESCRIPT_VERSIONS: TypeScriptVersion[] = [
  compiler('typescript-oldest', 'oldest claimed'),
  compiler('typescript', 'newest 5.x'),
  compiler('typescript-7', 'newest 7.x'),
];
