#!/usr/bin/env node
/**
 * `pnpm mutate`: mutation testing (StrykerJS) of each package below, one after the other, each with
 * its own `stryker.config.mjs` (incremental: only what changed since its checked-in
 * `mutation/stryker-incremental.json` is tested again). Every package runs even when an earlier one
 * fails; then a summary lists each score against its target (also written to each package's
 * `mutation/summary.json`), and the exit code is 1 if any package fell below its target.
 * `pnpm mutate core lock` runs only those; `--summary-only` only rewrites the summaries.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PACKAGES = ['core', 'serialization', 'resilience', 'lock'];
const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
/** `--summary-only`: rewrite the summaries from the existing reports without running Stryker. */
const summaryOnly = args.includes('--summary-only');
const names = args.filter((arg) => !arg.startsWith('--'));
const chosen = names.length > 0 ? names : PACKAGES;

/** Counts of a list of mutants and their score: (killed + timed out) / tested or uncovered. */
function tally(mutants) {
  const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
  for (const mutant of mutants) if (mutant.status in count) count[mutant.status]++;
  const detected = count.Killed + count.Timeout;
  const valid = detected + count.Survived + count.NoCoverage;
  return { ...count, score: valid === 0 ? 100 : Math.round((10_000 * detected) / valid) / 100 };
}

/**
 * Scores of a package's report, overall and per file, also written to `mutation/summary.json`
 * (checked in, small and one line per file, so a drop shows in a review).
 */
function summarize(dir, target) {
  const report = JSON.parse(readFileSync(join(dir, 'mutation', 'stryker-incremental.json'), 'utf8'));
  const files = Object.fromEntries(
    Object.entries(report.files)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([file, { mutants }]) => {
        const { score, Survived, NoCoverage } = tally(mutants);
        return [file, { score, survived: Survived, noCoverage: NoCoverage }];
      }),
  );
  const total = tally(Object.values(report.files).flatMap((file) => file.mutants));
  const summary = { target, ...total, files };
  writeFileSync(join(dir, 'mutation', 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return total;
}

const rows = [];
for (const name of chosen) {
  if (!PACKAGES.includes(name)) throw new Error(`unknown package ${name}; expected one of ${PACKAGES}`);
  const dir = join(root, 'packages', name);
  const started = Date.now();
  const run = summaryOnly
    ? { status: 0 }
    : spawnSync('pnpm', ['exec', 'stryker', 'run'], { cwd: dir, stdio: 'inherit' });
  const config = (await import(join(dir, 'stryker.config.mjs'))).default;
  const target = config.thresholds.break;
  const result = existsSync(join(dir, 'mutation', 'stryker-incremental.json'))
    ? summarize(dir, target)
    : undefined;
  rows.push({
    package: name,
    score: result?.score ?? 'n/a',
    target,
    killed: result ? result.Killed + result.Timeout : 'n/a',
    survived: result?.Survived ?? 'n/a',
    'no coverage': result?.NoCoverage ?? 'n/a',
    seconds: Math.round((Date.now() - started) / 1000),
    ok: run.status === 0 && result !== undefined && result.score >= target,
  });
}
console.table(rows);
process.exit(rows.every((row) => row.ok) ? 0 : 1);
