import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/** Integration tests that assert timings under injected faults (frozen, killed, failed-over servers). */
const FAULT_TESTS = [
  'src/**/*faults.int.test.ts',
  'src/**/*outage.int.test.ts',
  'test/**/*faults.int.test.ts',
  'test/**/*outage.int.test.ts',
];

/**
 * Test layout shared by every package: `*.test.ts` are unit tests (no servers, fake timers);
 * `*.int.test.ts` are integration tests against real redis-server processes started on free
 * loopback ports. Fault tests (`*faults.int.test.ts`, `*outage.int.test.ts`) assert that
 * operations settle within deadlines, so they run last and one file at a time, never beside the
 * CPU-heavy contract matrix. `pnpm test:unit` runs only the first project.
 *
 * Unit tests sit beside the code they test (`src/x.test.ts`). Everything else that exists only for
 * tests — shared fixtures, suites, fakes, server helpers, and tests that span several source files —
 * lives in the package's `test/` folder, never under `src/`: `src/` holds only what the package
 * builds and publishes, and its tests.
 */
export function fornoVitestConfig() {
  const projects: TestProjectInlineConfiguration[] = [
    {
      extends: true,
      test: {
        name: 'unit',
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        exclude: ['**/*.int.test.ts'],
      },
    },
    {
      extends: true,
      test: {
        name: 'integration',
        include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'],
        exclude: FAULT_TESTS,
        testTimeout: 60_000,
        hookTimeout: 120_000,
      },
    },
    {
      extends: true,
      test: {
        name: 'faults',
        include: FAULT_TESTS,
        testTimeout: 120_000,
        hookTimeout: 120_000,
        fileParallelism: false,
        sequence: { groupOrder: 1 },
      },
    },
  ];
  // `FORNO_VITEST_PROJECT=unit` keeps only the unit project (the mutation runs use it).
  const only = process.env.FORNO_VITEST_PROJECT;
  return defineConfig({
    test: {
      // A missing or misnamed test file must fail the run, not pass it silently.
      passWithNoTests: false,
      projects: projects.filter((project) => only === undefined || project.test?.name === only),
    },
  });
}
