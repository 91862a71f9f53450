import type { CaseResult } from './compare.js';

const rate = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

/** A case as a Markdown table (also readable in a terminal). */
export function formatCase(result: CaseResult): string {
  const lines = [
    `### ${result.title}`,
    '',
    `${result.ops.toLocaleString('en-US')} operations × ${result.rounds} alternating rounds; ratio = contender ÷ ${result.baseline} per round (higher is faster).`,
    '',
    '| contender | ops/s (median) | ratio median | min | max |',
    '|---|---:|---:|---:|---:|',
    ...result.results.map(
      (r) =>
        `| ${r.name} | ${rate(r.opsPerSecond)} | ${r.ratio.median.toFixed(3)} | ${r.ratio.min.toFixed(3)} | ${r.ratio.max.toFixed(3)} |`,
    ),
  ];
  if (result.note) lines.push('', result.note);
  return lines.join('\n');
}

/** A table that is not a ratio comparison (sizes, memory, latency percentiles). */
export interface TableResult {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number>>;
  readonly note?: string;
}

/** A {@link TableResult} as Markdown. */
export function formatTable(table: TableResult): string {
  const cell = (value: string | number) =>
    typeof value === 'number' ? value.toLocaleString('en-US') : value;
  const lines = [
    `### ${table.title}`,
    '',
    `| ${table.columns.join(' | ')} |`,
    `|${table.columns.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  if (table.note) lines.push('', table.note);
  return lines.join('\n');
}
