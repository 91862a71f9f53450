import { mergeConfig } from 'vitest/config';
import { fornoVitestConfig } from '../../vitest.shared.js';

export default mergeConfig(fornoVitestConfig(), {
  test: { setupFiles: ['./src/testing/fast-check-setup.ts'] },
});
