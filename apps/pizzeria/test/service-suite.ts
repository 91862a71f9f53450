import { afterEach, beforeEach, describe } from 'vitest';
import type { PizzeriaOptions } from '../src/composition-root.js';
import {
  type BackendFactory,
  createFixture,
  type PizzeriaFixture,
  type SuiteContext,
} from './pizzeria-fixture.js';
import { analyticsSuite } from './suites/analytics-suite.js';
import { kitchenSuite } from './suites/kitchen-suite.js';
import { menuSuite } from './suites/menu-suite.js';
import { orderSuite } from './suites/order-suite.js';
import { resilienceSuite } from './suites/resilience-suite.js';
import { segmentationSuite } from './suites/segmentation-suite.js';
import { sessionSuite } from './suites/session-suite.js';

/**
 * Every service test of the pizzeria, written once and run on any backend: the in-memory fake
 * (`services.test.ts`), a real redis-server and a real Cluster (`services.int.test.ts`). `factory`
 * gives each test a fresh, empty backend; the services are wired by the composition root, as in
 * the app.
 */
export function describePizzeriaServices(name: string, factory: BackendFactory): void {
  describe(name, () => {
    let current: PizzeriaFixture | undefined;
    const ctx: SuiteContext = {
      fixture: () => {
        if (current === undefined) throw new Error('no fixture outside a test');
        return current;
      },
      create: (options?: PizzeriaOptions) => createFixture(factory, options),
    };
    beforeEach(async () => {
      current = await createFixture(factory);
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    menuSuite(ctx);
    sessionSuite(ctx);
    orderSuite(ctx);
    kitchenSuite(ctx);
    analyticsSuite(ctx);
    segmentationSuite(ctx);
    resilienceSuite(ctx);
  });
}
