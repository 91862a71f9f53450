export type { PrometheusMetricObject, PrometheusValue } from './family-collector.js';
export {
  type PrometheusMetricsOptions,
  type PrometheusRegistry,
  registerPrometheusMetrics,
} from './register-prometheus-metrics.js';
