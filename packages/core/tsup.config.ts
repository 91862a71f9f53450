import { fornoTsupConfig } from '../../tsup.shared.js';

export default fornoTsupConfig({ entry: ['src/index.ts', 'src/backend.ts'] });
