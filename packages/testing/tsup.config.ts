import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    contract: 'src/contract/index.ts',
    differential: 'src/differential/index.ts',
    servers: 'src/servers/index.ts',
    faults: 'src/faults/index.ts',
    progress: 'src/progress/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['vitest', 'fast-check'],
});
