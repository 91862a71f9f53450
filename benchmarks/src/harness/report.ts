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
