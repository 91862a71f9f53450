import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * Test layout shared by every package: `*.test.ts` are unit tests (no servers, fake timers);
 * `*.int.test.ts` are integration tests against real redis-server processes started on free
 * loopback ports. `pnpm test:unit` runs only the first project.
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
        testTimeout: 60_000,
        hookTimeout: 120_000,
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
