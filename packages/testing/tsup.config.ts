import { fornoTsupConfig } from '../../tsup.shared.js';

export default fornoTsupConfig({
  entry: {
    index: 'src/index.ts',
    contract: 'src/contract/index.ts',
    differential: 'src/differential/index.ts',
    servers: 'src/servers/index.ts',
    faults: 'src/faults/index.ts',
    progress: 'src/progress/index.ts',
  },
  external: ['vitest', 'fast-check'],
});
