import { defineConfig } from 'tsup';

export default defineConfig({
  // `msgpack` is its own entry so that importing `@forno/serialization` never loads msgpackr.
  entry: { index: 'src/index.ts', msgpack: 'src/msgpack/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
