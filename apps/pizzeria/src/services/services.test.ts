import { InMemoryCacheRepository } from '@forno/testing';
import { KEY_PREFIX } from '../backend-config.js';
import { describePizzeriaServices } from '../test-support/service-suite.js';
import { METRICS_PREFIX } from './cache-performance-monitor.js';

// The default backend: the in-memory fake, its TTLs on the suite's ManualClock (no sleeping).
describePizzeriaServices('services on the in-memory fake', async (clock) => ({
  repository: new InMemoryCacheRepository({
    keyPrefix: KEY_PREFIX,
    clock,
    enableMetrics: true,
    metricsPrefix: METRICS_PREFIX,
  }),
  exact: true,
  advance: async (ms) => clock.advance(ms),
}));
