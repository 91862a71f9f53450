import { describeStandaloneContract } from '../test/standalone-contract.js';

describeStandaloneContract('auto-pipelining off', { autoPipelining: false });
