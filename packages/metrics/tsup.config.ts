import { defineConfig } from 'tsup';

export default defineConfig({
  // The exporters are their own entries so that importing `@forno/metrics` never loads prom-client
  // or OpenTelemetry (the exporters only import their types, so they load neither either).
  entry: {
    index: 'src/index.ts',
    prometheus: 'src/prometheus/index.ts',
    opentelemetry: 'src/opentelemetry/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['prom-client', '@opentelemetry/api'],
});
