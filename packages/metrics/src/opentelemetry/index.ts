export {
  DB_CLIENT_OPERATION_DURATION,
  DB_SYSTEM_NAME,
  OTHER_ERROR_TYPE,
  otelNameOf,
} from './otel-names.js';
export {
  type OpenTelemetryMetricsOptions,
  registerOpenTelemetryMetrics,
} from './register-opentelemetry-metrics.js';
