import { writeFileSync } from 'node:fs';
import { startRedisServer } from '@forno/testing/servers';
import { getSetCases } from './cases/get-set.js';
import type { CaseResult } from './harness/compare.js';
import { describeEnvironment } from './harness/environment.js';
import { formatCase } from './harness/report.js';

/**
 * `pnpm bench` runs every case against redis-servers it starts itself on free ports and writes
 * `benchmarks/RESULTS.md`; `pnpm bench --quick` runs each case briefly (a smoke test: it checks
 * that every case runs, never how fast).
 */
const quick = process.argv.includes('--quick');
const environment = describeEnvironment();
console.info(`Forno benchmarks${quick ? ' (quick)' : ''} — ${environment}\n`);

const server = await startRedisServer();
const sections: CaseResult[] = [];
try {
  for (const result of await getSetCases(server.port, quick)) {
    sections.push(result);
    console.info(`${formatCase(result)}\n`);
  }
} finally {
  await server.stop();
}

if (!quick) {
  const body = [
    '# Forno benchmark results',
    '',
    `Measured with \`pnpm bench\` on ${new Date().toISOString().slice(0, 10)} — ${environment}.`,
    'Each case runs every contender in the same process, in alternating rounds; ratios only compare within one run.',
    '',
    ...sections.map((section) => `${formatCase(section)}\n`),
  ].join('\n');
  writeFileSync(new URL('../RESULTS.md', import.meta.url), body);
  console.info('Wrote benchmarks/RESULTS.md');
}
