import { describeStandaloneContract } from '../test/standalone-contract.js';

describeStandaloneContract('default options', {});
