// Small wrappers over uPlot (https://github.com/leeoniya/uPlot, served from its npm package):
// a bar chart over labels, and line charts over the last minutes. Each keeps its size in step
// with its container.
import uPlot from '/assets/uPlot.esm.js';

const HEIGHT = 170;
/** Axis steps for counts: whole numbers only. */
const COUNT_STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000,
];

/** A uPlot chart in `element` with `options` (width and height added), resized with it. */
function plot(element, options, series) {
  const chart = new uPlot(
    { ...options, width: Math.max(200, element.clientWidth), height: HEIGHT },
    [[], ...series.map(() => [])],
    element,
  );
  new ResizeObserver(() => {
    const width = Math.max(200, element.clientWidth);
    if (width !== chart.width) chart.setSize({ width, height: HEIGHT });
  }).observe(element);
  return chart;
}

/** A bar chart: `update(labels, values)`. The element's `data-values` says what it shows. */
export function barChart(element, { label, color }) {
  let labels = [];
  const bars = { label, fill: color, stroke: color, width: 0, paths: uPlot.paths.bars({ size: [0.6, 60] }) };
  const chart = plot(
    element,
    {
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] },
      },
      axes: [
        {
          splits: () => labels.map((_, i) => i),
          values: (_u, splits) => splits.map((i) => labels[i] ?? ''),
          gap: 4,
          size: 30,
        },
        { size: 48, incrs: COUNT_STEPS },
      ],
      series: [{}, { ...bars, points: { show: false } }],
    },
    [bars],
  );
  return {
    update(newLabels, values) {
      labels = newLabels;
      element.dataset.values = JSON.stringify(newLabels.map((name, i) => [name, values[i]]));
      chart.setData([newLabels.map((_, i) => i), values]);
    },
  };
}

/**
 * A line chart over `x` values: `update(xs, ...ys)`. `series` are `{ label, color, fill?, scale?,
 * stepped? }`; `time` makes x epoch seconds; `scales` adds right-hand y scales; `yValues` labels
 * the left axis; `counts` keeps its ticks on whole numbers.
 */
export function lineChart(
  element,
  { series, time = true, xLabel = 'time', yRange, yValues, counts = false, scales = {} },
) {
  const chart = plot(
    element,
    {
      cursor: { drag: { x: false, y: false } },
      scales: {
        // Time axes show at least the last minute: a fresh page does not zoom into seconds.
        x: time ? { time, range: (_u, min, max) => [Math.min(min, max - 60), max] } : { time },
        y: yRange ? { range: yRange } : { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
        ...scales,
      },
      axes: [
        { size: 30 },
        {
          size: yValues ? 72 : 48,
          ...(yValues ? { values: yValues } : {}),
          ...(counts ? { incrs: COUNT_STEPS } : {}),
        },
        ...Object.keys(scales).map((scale) => ({ scale, side: 1, size: 48, grid: { show: false } })),
      ],
      series: [
        { label: xLabel },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          scale: s.scale ?? 'y',
          ...(s.fill ? { fill: s.fill } : {}),
          ...(s.stepped ? { paths: uPlot.paths.stepped({ align: 1 }) } : {}),
          points: { show: !time },
        })),
      ],
    },
    series,
  );
  return {
    update(xs, ...ys) {
      chart.setData([xs, ...ys]);
    },
  };
}
