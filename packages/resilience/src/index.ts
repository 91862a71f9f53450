export { isBackendFailure, isCacheOutage } from './backend-failure.js';
export {
  type BackoffOptions,
  backoffDelays,
  type Jitter,
} from './backoff.js';
export type { Breaker } from './breaker.js';
export {
  BrokenCircuitError,
  type BrokenCircuitErrorOptions,
  type BrokenCircuitReason,
} from './broken-circuit-error.js';
export {
  CircuitBreakerPolicy,
  type CircuitBreakerPolicyOptions,
  type CircuitIsolation,
  type CircuitStateListener,
} from './circuit-breaker-policy.js';
export { ConsecutiveBreaker } from './consecutive-breaker.js';
export type { FallbackOptions } from './fallback-mirror.js';
export { isOutageError } from './outage-error.js';
export type { Policy, PolicyContext, PolicyFunction } from './policy.js';
export type { ReadSource, Sourced } from './read-source.js';
export {
  ResilientCacheRepository,
  type ResilientCacheRepositoryOptions,
} from './resilient-cache-repository.js';
export {
  type GiveUpEvent,
  type GiveUpListener,
  RetryPolicy,
  type RetryPolicyOptions,
} from './retry-policy.js';
export { SamplingBreaker, type SamplingBreakerOptions } from './sampling-breaker.js';
export { TimeoutPolicy, type TimeoutPolicyOptions } from './timeout-policy.js';
export { isTransientError } from './transient-error.js';
export type { WrappedFunction } from './wrap-function.js';
export { PolicyChain, wrapPolicies } from './wrap-policies.js';
