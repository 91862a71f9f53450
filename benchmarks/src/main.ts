import { writeFileSync } from 'node:fs';
import { startRedisServer } from '@forno/testing/servers';
import { cacheAsideCases } from './cases/cache-aside.js';
import { commandCases } from './cases/commands.js';
import { deletePatternCases } from './cases/delete-pattern.js';
import { fakeMemoryCase } from './cases/fake-memory.js';
import { getSetCases } from './cases/get-set.js';
import { keyvStoreCases } from './cases/keyv-store.js';
import { metricsCases } from './cases/metrics.js';
import { describeEnvironment } from './harness/environment.js';
import { formatCase, formatTable } from './harness/report.js';
import { formatLockTables, runLockBenchmark } from './lock.js';
import { formatSerializationTable, runSerializationBenchmark } from './serialization.js';

/**
 * `pnpm bench` runs every case against redis-servers it starts itself on free ports and writes
 * `benchmarks/RESULTS.md`; `pnpm bench --quick` runs each case briefly (a smoke test: it checks
 * that every case runs, never how fast).
 */
const quick = process.argv.includes('--quick');
const environment = describeEnvironment();
const started = performance.now();
console.info(`Forno benchmarks${quick ? ' (quick)' : ''} — ${environment}\n`);

const sections: string[] = [];
const report = (markdown: string) => {
  sections.push(markdown);
  console.info(`${markdown}\n`);
};

const server = await startRedisServer();
try {
  for (const run of [
    getSetCases,
    commandCases,
    metricsCases,
    cacheAsideCases,
    keyvStoreCases,
    deletePatternCases,
  ]) {
    for (const result of await run(server.port, quick)) report(formatCase(result));
  }
} finally {
  await server.stop();
}
report(formatLockTables(await runLockBenchmark({ quick })));
report(
  `### Serialization (serialize + deserialize)\n\n${formatSerializationTable(await runSerializationBenchmark({ quick }))}`,
);
report(formatTable(await fakeMemoryCase(quick)));

const minutes = ((performance.now() - started) / 60_000).toFixed(1);
console.info(`All cases ran in ${minutes} min.`);
if (!quick) {
  const body = [
    '# Forno benchmark results',
    '',
    `Measured with \`pnpm bench\` on ${new Date().toISOString().slice(0, 10)} in ${minutes} min — ${environment}.`,
    'Each case runs every contender in the same process, in alternating rounds; ratios only compare within one run.',
    '',
    ...sections.map((section) => `${section}\n`),
  ].join('\n');
  writeFileSync(new URL('../RESULTS.md', import.meta.url), body);
  console.info('Wrote benchmarks/RESULTS.md');
}
