import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { startRedisServer } from '@forno/testing/servers';
import { boundedMemoryCase } from './cases/bounded-memory.js';
import { cacheAsideCases } from './cases/cache-aside.js';
import { commandCases } from './cases/commands.js';
import { deletePatternCases } from './cases/delete-pattern.js';
import { fakeMemoryCase } from './cases/fake-memory.js';
import { getSetCases } from './cases/get-set.js';
import {
  hybridHandoutCase,
  hybridHotKeyCase,
  hybridPropagationTable,
  hybridStormTable,
} from './cases/hybrid-cache.js';
import { keyvStoreCases } from './cases/keyv-store.js';
import { metricsCases } from './cases/metrics.js';
import { BenchProgress, type BenchStep } from './harness/bench-progress.js';
import { caseChart, lockCharts, serializationCharts } from './harness/charts.js';
import type { CaseResult } from './harness/compare.js';
import { describeEnvironment } from './harness/environment.js';
import { formatCase, formatTable } from './harness/report.js';
import { type BarChart, barChartSvg, chartSlug } from './harness/svg-chart.js';
import { formatLockTables, runLockBenchmark } from './lock.js';
import { formatDurabilityTable, runLockDurabilityBenchmark } from './lock-durability.js';
import { formatNotificationsTable, runLockNotificationsBenchmark } from './lock-notifications.js';
import { formatLockProcessesTable, runLockProcessesBenchmark } from './lock-processes.js';
import { formatSerializationTable, runSerializationBenchmark } from './serialization.js';

/**
 * `pnpm bench` runs every case against redis-servers it starts itself on free ports and writes
 * `benchmarks/RESULTS.md`, with the main comparisons as SVG bar charts in `benchmarks/charts/`;
 * `pnpm bench --quick` runs each case briefly (a smoke test: it checks that every case runs, never
 * how fast) and writes nothing. Progress (cases done, time left) goes to stderr: a bar on a
 * terminal, plain lines in CI.
 */
const quick = process.argv.includes('--quick');
const environment = describeEnvironment();
const started = performance.now();
console.info(`Forno benchmarks${quick ? ' (quick)' : ''} — ${environment}\n`);

/**
 * The steps, in order, with the seconds a full run of each takes (the weights of the time left; a
 * full run prints what each took: `bench: seconds per step`).
 */
const STEPS: readonly BenchStep[] = [
  { name: 'get/set', cases: 2, seconds: 55 },
  { name: 'commands', cases: 4, seconds: 50 },
  { name: 'metrics', cases: 2, seconds: 40 },
  { name: 'cache-aside', cases: 1, seconds: 12 },
  { name: 'keyv stores', cases: 2, seconds: 40 },
  { name: 'deletePattern', cases: 1, seconds: 12 },
  { name: 'hybrid cache', cases: 4, seconds: 60 },
  { name: 'locks', cases: 1, seconds: 100 },
  { name: 'lock durability', cases: 1, seconds: 15 },
  { name: 'locks in 8 processes', cases: 1, seconds: 40 },
  { name: 'lock notifications', cases: 1, seconds: 10 },
  { name: 'serialization', cases: 1, seconds: 20 },
  { name: 'fake memory', cases: 1, seconds: 2 },
  { name: 'bounded memory', cases: 1, seconds: 10 },
];

const CHARTS_DIR = new URL('../charts/', import.meta.url);
const progress = new BenchProgress(STEPS);
const sections: string[] = [];
const charts = new Map<string, string>();

/** Keeps a section of RESULTS.md, with its charts embedded under it, and prints it. */
const report = (title: string, markdown: string, sectionCharts: readonly BarChart[] = []) => {
  const images = sectionCharts.map((chart) => {
    const slug = chartSlug(chart.title);
    charts.set(slug, barChartSvg(chart));
    return `![${chart.title}](charts/${slug}.svg)`;
  });
  // Every section gets a heading: the cases' tables bring their own, the lock tables use the title.
  const headed = markdown.startsWith('### ') ? markdown : `### ${title}\n\n${markdown}`;
  sections.push(images.length === 0 ? headed : `${headed}\n\n${images.join('\n')}`);
  progress.report(markdown, title);
};
const reportCases = (results: readonly CaseResult[]) => {
  for (const result of results) report(result.title, formatCase(result), [caseChart(result)]);
};

const server = await startRedisServer();
try {
  const groups = [
    ['get/set', getSetCases],
    ['commands', commandCases],
    ['metrics', metricsCases],
    ['cache-aside', cacheAsideCases],
    ['keyv stores', keyvStoreCases],
    ['deletePattern', deletePatternCases],
  ] as const;
  for (const [name, run] of groups) {
    progress.begin(name);
    reportCases(await run(server.port, quick));
  }
  progress.begin('hybrid cache');
  reportCases([await hybridHotKeyCase(server.port, quick), await hybridHandoutCase(server.port, quick)]);
  for (const table of [
    await hybridStormTable(server.port, quick),
    await hybridPropagationTable(server.port, quick),
  ]) {
    report(table.title, formatTable(table));
  }
} finally {
  await server.stop();
}
progress.begin('locks');
const locks = await runLockBenchmark({ quick });
report('Locks: one caller, and 8 workers in one process', formatLockTables(locks), lockCharts(locks));
progress.begin('lock durability');
report('lock durability', formatDurabilityTable(await runLockDurabilityBenchmark({ quick })));
progress.begin('locks in 8 processes');
report('Locks: 8 OS processes', formatLockProcessesTable(await runLockProcessesBenchmark({ quick })));
progress.begin('lock notifications');
report('Locks: release notifications', formatNotificationsTable(await runLockNotificationsBenchmark()));
progress.begin('serialization');
const serialization = await runSerializationBenchmark({ quick });
report(
  'serialization',
  `### Serialization (serialize + deserialize)\n\n${formatSerializationTable(serialization)}`,
  serializationCharts(serialization),
);
progress.begin('fake memory');
const memory = await fakeMemoryCase(quick);
report(memory.title, formatTable(memory));
progress.begin('bounded memory');
const bounded = await boundedMemoryCase(quick);
report(bounded.title, formatTable(bounded));
progress.finish();

const minutes = ((performance.now() - started) / 60_000).toFixed(1);
console.info(`All cases ran in ${minutes} min.`);
if (quick) {
  // The charts are drawn in a quick run too (and dropped), so a broken chart fails the smoke test.
  for (const [slug, svg] of charts) {
    if (!svg.startsWith('<svg ') || !svg.includes('</svg>')) throw new Error(`chart ${slug} is not an SVG`);
  }
} else {
  const body = [
    '# Forno benchmark results',
    '',
    `Measured with \`pnpm bench\` on ${new Date().toISOString().slice(0, 10)} in ${minutes} min — ${environment}.`,
    'Each case runs every contender in the same process, in alternating rounds; ratios only compare within one run.',
    'Each chart shows the table above it: Forno in red, the baseline in grey, the others in blue.',
    '',
    ...sections.map((section) => `${section}\n`),
  ].join('\n');
  mkdirSync(CHARTS_DIR, { recursive: true });
  for (const stale of readdirSync(CHARTS_DIR).filter((file) => file.endsWith('.svg'))) {
    rmSync(new URL(stale, CHARTS_DIR));
  }
  for (const [slug, svg] of charts) writeFileSync(new URL(`${slug}.svg`, CHARTS_DIR), svg);
  writeFileSync(new URL('../RESULTS.md', import.meta.url), body);
  console.info(`Wrote benchmarks/RESULTS.md and ${charts.size} charts in benchmarks/charts/`);
}
