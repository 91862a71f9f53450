/** Small formatting helpers shared by the fault reports. */

/** A Markdown table of `[label, value]` rows under a `###` title, ready to paste into a README. */
export function markdownTable(title: string, rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max('figure'.length, ...rows.map(([label]) => label.length));
  return [
    `### ${title}`,
    '',
    `| ${'figure'.padEnd(width)} | value |`,
    `| ${'-'.repeat(width)} | ----- |`,
    ...rows.map(([label, value]) => `| ${label.padEnd(width)} | ${value} |`),
  ].join('\n');
}

/** How many times each value occurs. */
export function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** `E_CACHE_TIMEOUT 3, E_CACHE_UNAVAILABLE 12`, or `none`. */
export function formatCounts(counts: Readonly<Record<string, number>>): string {
  return (
    Object.entries(counts)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ') || 'none'
  );
}

/** `123 ms`. */
export const ms = (n: number): string => `${Math.round(n)} ms`;

/** `+123 ms` / `-5 ms`. */
export const signedMs = (n: number): string => `${n >= 0 ? '+' : ''}${Math.round(n)} ms`;
