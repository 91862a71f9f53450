import { describeStandaloneContract } from '../test/standalone-contract.js';

describeStandaloneContract('a pool of 3 connections', { connectionPoolSize: 3 });
