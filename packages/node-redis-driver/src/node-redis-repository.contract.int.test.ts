import { describeStandaloneContract } from './test-support/standalone-contract.js';

describeStandaloneContract('default options', {});
