import { fornoVitestConfig } from '../../vitest.shared.js';

export default fornoVitestConfig();
