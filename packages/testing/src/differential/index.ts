export {
  checkDifferential,
  type DifferentialSettings,
  differentialSettings,
  formatDivergence,
} from './check-differential.js';
export { differentialCommand, differentialSequence, SETTLE_MARGIN_MS } from './command-arbitraries.js';
export { type DifferentialSuiteOptions, describeDifferentialSuite } from './describe-differential-suite.js';
export {
  DIFFERENTIAL_PREFIXES,
  type DifferentialCommand,
  type DifferentialRegression,
  formatCommand,
  formatLiteral,
} from './differential-command.js';
export { DifferentialRunner, type DifferentialSubjectOptions } from './differential-runner.js';
export { compareObservations, type ErrorShape, type Observation, observe } from './observation.js';
export { DIFFERENTIAL_REGRESSIONS } from './regressions.js';
export { type DifferentialSide, type Divergence, runDifferentialSequence } from './run-sequence.js';
