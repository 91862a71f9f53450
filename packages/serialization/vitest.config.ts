import { mergeConfig } from 'vitest/config';
import { fornoVitestConfig } from '../../vitest.shared.js';

export default mergeConfig(fornoVitestConfig(), {
  test: {
    globalSetup: ['../../vitest.fast-check-seed.ts'],
    setupFiles: ['../../vitest.fast-check-setup.ts'],
  },
});
