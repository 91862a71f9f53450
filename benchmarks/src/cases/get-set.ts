import { type CaseResult, compare, withConcurrency } from '../harness/compare.js';
import { GET_SET_CONTENDERS, type GetSetContender, openGetSetContender } from './get-set-contenders.js';

/**
 * `get`/`set` through both Forno drivers — `RedisRepository` on ioredis and `NodeRedisRepository`
 * on node-redis — against both raw clients doing the same JSON work: ioredis batching and bounding
 * commands its own way (auto-pipelining, a 1 s commandTimeout) and node-redis (`redis`, which pipelines
 * commands issued in the same tick by default), half reads and half writes, in one run.
 */
export async function getSetCases(port: number, quick: boolean): Promise<CaseResult[]> {
  const contenders: GetSetContender[] = [];
  const results: CaseResult[] = [];
  try {
    for (const name of GET_SET_CONTENDERS) contenders.push(await openGetSetContender(name, port));
    for (const inFlight of [1, 200]) {
      const ops = quick ? 2_000 : inFlight === 1 ? 20_000 : 100_000;
      const result = await compare({
        title: `get/set, ${inFlight} in flight`,
        ops,
        rounds: quick ? 2 : 7,
        contenders: contenders.map((contender) => ({
          name: contender.name,
          run: (n: number) => withConcurrency(n, inFlight, (i) => contender.op(i)),
        })),
      });
      results.push({ ...result, note: driverRatios(result) });
    }
  } finally {
    for (const contender of contenders) await contender.close();
  }
  return results;
}

/** The ratios between the drivers and their own raw clients, from the median ratios to the baseline. */
export function driverRatios(result: CaseResult): string {
  const ratio = (name: string) => result.results.find((r) => r.name === name)?.ratio.median ?? Number.NaN;
  const nodeDriver = ratio('Forno NodeRedisRepository');
  const figures = [
    `NodeRedisRepository ÷ raw node-redis ${(nodeDriver / ratio('node-redis + JSON')).toFixed(2)}`,
    `NodeRedisRepository ÷ RedisRepository ${(nodeDriver / ratio('Forno RedisRepository')).toFixed(2)}`,
    `RedisRepository ÷ raw ioredis ${ratio('Forno RedisRepository').toFixed(2)}`,
  ];
  return `Driver ratios (quotients of the median ratios above): ${figures.join('; ')}.`;
}
