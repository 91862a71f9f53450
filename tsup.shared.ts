import { defineConfig, type Options } from 'tsup';

/**
 * The build every publishable package shares: ESM and CommonJS with declarations and source maps,
 * for Node 20. A package names only its entry points (one per `exports` subpath) and the optional
 * peers it must leave out of the bundle.
 */
export function fornoTsupConfig(options: Pick<Options, 'entry' | 'external'> = {}) {
  return defineConfig({
    entry: options.entry ?? ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...(options.external === undefined ? {} : { external: options.external }),
  });
}
