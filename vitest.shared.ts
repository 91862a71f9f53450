import { defineConfig } from 'vitest/config';

/**
 * Test layout shared by every package: `*.test.ts` are unit tests (no servers, fake timers);
 * `*.int.test.ts` are integration tests against real redis-server processes started on free
 * loopback ports. `pnpm test:unit` runs only the first project.
 */
export function fornoVitestConfig() {
  return defineConfig({
    test: {
      passWithNoTests: true,
      projects: [
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
      ],
    },
  });
}
