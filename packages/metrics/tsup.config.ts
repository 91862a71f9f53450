import { fornoTsupConfig } from '../../tsup.shared.js';

export default fornoTsupConfig({
  // The exporters are their own entries so that importing `@forno/metrics` never loads prom-client
  // or OpenTelemetry (the exporters only import their types, so they load neither either).
  entry: {
    index: 'src/index.ts',
    prometheus: 'src/prometheus/index.ts',
    opentelemetry: 'src/opentelemetry/index.ts',
  },
  external: ['prom-client', '@opentelemetry/api'],
});
