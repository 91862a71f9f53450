import { startRedisServer } from '@forno/testing/servers';
import { getSetCases } from '/work/wt/node-redis/benchmarks/src/cases/get-set.ts';
import { formatCase } from '/work/wt/node-redis/benchmarks/src/harness/report.ts';
const server = await startRedisServer();
try {
  for (const result of await getSetCases(server.port, false)) console.log(formatCase(result), '\n');
} finally {
  await server.stop();
}
