export {
  type ClusterFaultSummary,
  type ClusterFaultTimeline,
  clusterFaultRow,
  formatClusterFault,
  summarizeClusterFault,
} from './cluster-fault-report.js';
export {
  type ClusterFault,
  castFor,
  type FaultCast,
  type FaultMarks,
  freezePrimary,
  killPrimary,
  manualFailover,
  RESHARD_SLOTS,
  reshardSlots,
} from './cluster-faults.js';
export {
  type ClusterFaultRepositoryOptions,
  type ClusterFaultRun,
  type ClusterFaultSuiteOptions,
  describeClusterFaultSuite,
  runClusterFault,
} from './describe-cluster-fault-suite.js';
export {
  type ConnectionFailureConfig,
  type ConnectionFailureSuiteOptions,
  describeConnectionFailureSuite,
  type HealthReportingRepository,
} from './describe-connection-failure-suite.js';
export {
  describeHealthAndInfoSuite,
  type HealthAndInfoRepositoryOptions,
  type HealthAndInfoSuiteOptions,
  type InspectableRepository,
  type ReportedHealth,
} from './describe-health-and-info-suite.js';
export {
  describeSentinelFailover,
  type SentinelFailoverOptions,
  type SentinelRepositoryOptions,
} from './describe-sentinel-failover.js';
export { describeSentinelSuite, type SentinelSuiteRepositoryOptions } from './describe-sentinel-suite.js';
export {
  describeStandaloneFaultSuite,
  type StandaloneFaultRepositoryOptions,
  type StandaloneFaultSuiteOptions,
} from './describe-standalone-fault-suite.js';
export { KeyValueLoad, type KeyValueLoadOptions, type WriteCheck } from './key-value-load.js';
export {
  answered,
  OperationLoad,
  type OperationLoadOptions,
  type OpOutcome,
  type OpRecord,
  type PlannedOperation,
} from './operation-load.js';
export {
  formatSlowest,
  formatSummary,
  type OutageBudgets,
  type OutageSummary,
  type OutageTimeline,
  summarize,
  type Transition,
} from './outage-report.js';
export { countBy, formatCounts, markdownTable } from './report-table.js';
