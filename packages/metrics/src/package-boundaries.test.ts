import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));
const IMPORT = /^(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)';/gms;

/** The package a bare specifier loads: `@forno/core/backend` is `@forno/core`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Every module reachable from `entry` by value imports, with the packages it loads at runtime. */
function runtimeImports(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.includes(file)) return;
    files.push(file);
    for (const [, , typeOnly, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (typeOnly !== undefined) continue;
      if (specifier!.startsWith('.')) visit(resolve(dirname(file), specifier!.replace(/\.js$/, '.ts')));
      else packages.add(packageOf(specifier!));
    }
  };
  visit(resolve(SRC, entry));
  return { files, packages };
}

describe('package boundaries', () => {
  it('@forno/metrics loads nothing but @forno/core', () => {
    const { files, packages } = runtimeImports('index.ts');
    expect(files.length).toBeGreaterThan(3);
    expect([...packages]).toEqual(['@forno/core']);
  });

  it.each(['prometheus/index.ts', 'opentelemetry/index.ts'])(
    '%s only imports the types of its optional peer, so it loads without it',
    (entry) => {
      expect([...runtimeImports(entry).packages]).toEqual(['@forno/core']);
    },
  );
});
