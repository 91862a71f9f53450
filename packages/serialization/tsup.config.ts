import { fornoTsupConfig } from '../../tsup.shared.js';

// `msgpack` is its own entry so that importing `@forno/serialization` never loads msgpackr.
export default fornoTsupConfig({ entry: { index: 'src/index.ts', msgpack: 'src/msgpack/index.ts' } });
