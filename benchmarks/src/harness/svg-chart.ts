/**
 * Horizontal bar charts as standalone SVG, written by hand (no chart library): one bar per
 * contender, an optional min–max whisker, and a reference line (1.0 for ratios). GitHub renders
 * them where `RESULTS.md` embeds them.
 */

/** One bar. */
export interface ChartBar {
  readonly label: string;
  readonly value: number;
  /** Whisker from `min` to `max` (e.g. the spread of per-round ratios). */
  readonly min?: number;
  readonly max?: number;
  /** `baseline` grey, `forno` tomato, anything else blue. */
  readonly kind?: BarKind;
}

/** How a bar is coloured: the baseline grey, Forno tomato, the others blue. */
export type BarKind = 'baseline' | 'forno' | 'other';

/** A chart: title, what the axis means, and the bars top to bottom. */
export interface BarChart {
  readonly title: string;
  /** One line under the title: what the bars measure. */
  readonly subtitle: string;
  readonly bars: readonly ChartBar[];
  /** Draws a dashed line at this value (1 for ratios). */
  readonly reference?: number;
  /** How a value is written beside its bar. */
  readonly format?: (value: number) => string;
  /** How an axis tick is written (default: like the values). */
  readonly axisFormat?: (value: number) => string;
}

const WIDTH = 720;
const LABEL_WIDTH = 290;
const VALUE_WIDTH = 90;
const ROW = 28;
const BAR = 16;
const TOP = 52;
const COLORS = { baseline: '#9a8f86', forno: '#d9472b', other: '#3b6fb6' } as const;

/** Escapes text for SVG content and attributes. */
function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round step for axis ticks: 1, 2 or 5 × 10^n, about 5 ticks over `max`. */
function tickStep(max: number): number {
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const normalized = rough / magnitude;
  return (normalized >= 5 ? 5 : normalized >= 2 ? 2 : 1) * magnitude;
}

const n = (value: number) => Number(value.toFixed(1));

/** The chart as an SVG document. */
export function barChartSvg(chart: BarChart): string {
  const format =
    chart.format ?? ((value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 2 }));
  const top = Math.max(chart.reference ?? 0, ...chart.bars.map((bar) => Math.max(bar.value, bar.max ?? 0)));
  const step = tickStep(top * 1.05 || 1);
  const axisMax = Math.ceil((top * 1.05) / step) * step || 1;
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const x = (value: number) => n(LABEL_WIDTH + (Math.max(0, value) / axisMax) * plotWidth);
  const height = TOP + chart.bars.length * ROW + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<title>${xml(chart.title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="8" y="20" font-size="14" font-weight="600" fill="#2b2118">${xml(chart.title)}</text>`,
    `<text x="8" y="38" fill="#7a6a5d">${xml(chart.subtitle)}</text>`,
  ];
  const axisY = TOP + chart.bars.length * ROW;
  for (let tick = 0; tick <= axisMax + step / 2; tick += step) {
    parts.push(
      `<line x1="${x(tick)}" y1="${TOP - 4}" x2="${x(tick)}" y2="${axisY}" stroke="#eee5db"/>`,
      `<text x="${x(tick)}" y="${axisY + 16}" text-anchor="middle" fill="#7a6a5d">${xml((chart.axisFormat ?? format)(Number(tick.toPrecision(6))))}</text>`,
    );
  }
  chart.bars.forEach((bar, i) => {
    const y = TOP + i * ROW;
    const color = COLORS[bar.kind ?? 'other'];
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + BAR - 3}" text-anchor="end" fill="#2b2118">${xml(bar.label)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${n(x(bar.value) - LABEL_WIDTH)}" height="${BAR}" rx="2" fill="${color}"><title>${xml(`${bar.label}: ${format(bar.value)}`)}</title></rect>`,
    );
    if (bar.min !== undefined && bar.max !== undefined) {
      const mid = y + BAR / 2;
      parts.push(
        `<line x1="${x(bar.min)}" y1="${mid}" x2="${x(bar.max)}" y2="${mid}" stroke="#2b2118" stroke-width="1.2"/>`,
        `<line x1="${x(bar.min)}" y1="${mid - 4}" x2="${x(bar.min)}" y2="${mid + 4}" stroke="#2b2118" stroke-width="1.2"/>`,
        `<line x1="${x(bar.max)}" y1="${mid - 4}" x2="${x(bar.max)}" y2="${mid + 4}" stroke="#2b2118" stroke-width="1.2"/>`,
      );
    }
    const end = Math.max(x(bar.value), bar.max === undefined ? 0 : x(bar.max));
    parts.push(`<text x="${n(end + 6)}" y="${y + BAR - 3}" fill="#2b2118">${xml(format(bar.value))}</text>`);
  });
  if (chart.reference !== undefined) {
    parts.push(
      `<line x1="${x(chart.reference)}" y1="${TOP - 8}" x2="${x(chart.reference)}" y2="${axisY}" stroke="#2b2118" stroke-dasharray="4 3"/>`,
    );
  }
  parts.push('</svg>', '');
  return parts.join('\n');
}

/** A file name for a chart: `get/set, 200 in flight` → `get-set-200-in-flight`. */
export function chartSlug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}
