import type { LockBenchmarkResult } from '../lock.js';
import type { SerializationBenchmarkRow } from '../serialization.js';
import type { CaseResult } from './compare.js';
import type { BarChart, BarKind } from './svg-chart.js';

const times = (value: number) => `${value.toFixed(2)}×`;
const timesAxis = (value: number) => `${value}×`;
const perSecond = (value: number) => Math.round(value).toLocaleString('en-US');

function kindOf(name: string, baseline?: string): BarKind {
  if (name === baseline) return 'baseline';
  return /forno/i.test(name) ? 'forno' : 'other';
}

/** A ratio comparison: median ratio to the baseline per contender, whiskers min–max over rounds. */
export function caseChart(result: CaseResult): BarChart {
  return {
    title: result.title,
    subtitle: `ratio to ${result.baseline} (median of ${result.rounds} rounds, whiskers min–max); higher is faster`,
    reference: 1,
    format: times,
    axisFormat: timesAxis,
    bars: result.results.map((r) => ({
      label: r.name,
      value: r.ratio.median,
      min: r.ratio.min,
      max: r.ratio.max,
      kind: kindOf(r.name, result.baseline),
    })),
  };
}

/** The lock benchmark: uncontended throughput against the raw floor, contended acquisitions/s. */
export function lockCharts(result: LockBenchmarkResult): BarChart[] {
  const contended = (title: string, rows: LockBenchmarkResult['contendedShared']): BarChart => ({
    title,
    subtitle: 'acquisitions per second, 8 workers on one key, hold 1 ms; higher is better',
    format: perSecond,
    bars: rows.map((r) => ({
      label: r.contender,
      value: r.acquisitionsPerSecond,
      kind: kindOf(r.contender),
    })),
  });
  return [
    {
      title: 'Locks: uncontended acquire + release',
      subtitle:
        'throughput relative to raw SET NX PX + compare-and-delete (median of rounds); higher is faster',
      reference: 1,
      format: times,
      axisFormat: timesAxis,
      bars: result.uncontended.map((r) => ({
        label: r.contender,
        value: r.vsRaw,
        kind: r.contender.startsWith('raw') ? 'baseline' : kindOf(r.contender),
      })),
    },
    contended('Locks: contended, one process (shared connection)', result.contendedShared),
    contended('Locks: contended, like 8 processes (a connection each)', result.contendedSeparate),
  ];
}

/** Serialization: serialize + deserialize speed relative to JSON, per fixture. */
export function serializationCharts(rows: readonly SerializationBenchmarkRow[]): BarChart[] {
  const fixtures = [...new Set(rows.map((row) => row.fixture))];
  return fixtures.map((fixture) => ({
    title: `Serialization: ${fixture}`,
    subtitle: 'serialize + deserialize speed relative to plain JSON; higher is faster',
    reference: 1,
    format: times,
    axisFormat: timesAxis,
    bars: rows
      .filter((row) => row.fixture === fixture)
      .map((row) => ({
        label: row.serializer,
        value: row.speedVsJson,
        kind: row.serializer === 'json' ? 'baseline' : 'other',
      })),
  }));
}
