import { fornoTsupConfig } from '../../tsup.shared.js';

export default fornoTsupConfig();
