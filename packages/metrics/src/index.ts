export { CacheMetrics, type CacheMetricsOptions } from './cache-metrics.js';
export {
  CIRCUIT_STATE_VALUES,
  DB_CLIENT_DURATION_BUCKETS,
  INSTRUMENTS,
  type InstrumentDefinition,
} from './instruments.js';
export type { FamilyListener } from './metric-registry.js';
export type {
  Bucket,
  HistogramFamilySnapshot,
  HistogramSample,
  Labels,
  MetricDescriptor,
  MetricFamilySnapshot,
  MetricsSnapshot,
  MetricType,
  Sample,
  ValueFamilySnapshot,
} from './metric-types.js';
export { buildPerformanceSummary, type RepositoryMeasurements } from './performance-summary.js';
export { type MeteredRawCommands, recordRepositoryMetrics } from './repository-metrics.js';
