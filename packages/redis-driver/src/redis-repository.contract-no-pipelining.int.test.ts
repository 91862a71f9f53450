import { describeStandaloneContract } from './test-support/standalone-contract.js';

describeStandaloneContract('auto-pipelining off', { autoPipelining: false });
