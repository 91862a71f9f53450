import { strykerConfig } from '../../stryker.shared.mjs';

export default strykerConfig({
  target: 90,
  mutate: [
    'src/**/*.ts',
    '!src/**/*.test.ts',
    '!src/**/index.ts',
    // Exercised through every backend by the contract suite of @forno/testing, not by core's unit
    // project: mutating them here would only count "no coverage".
    '!src/repository/base-cache-repository.ts',
    '!src/repository/cache-repository-decorator.ts',
    '!src/repository/forwarding-commands.ts',
    '!src/entity/**',
  ],
});
