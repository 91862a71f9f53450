/**
 * One step of a differential sequence, as plain data so that fast-check can print and shrink it and
 * a shrunk sequence can be pasted into a regression test as it is.
 *
 * `op` is a `CacheRepository` method called with `args` on repository `r` (an index into
 * {@link DIFFERENTIAL_PREFIXES}), except for four runner steps: `'scan'` (collects the keys),
 * `'subscribe'` (`args: [channel]`, the listener records every message), `'unsubscribe'`
 * (`args: [n]`, removes the n-th live subscription, modulo their count) and `'advance'`
 * (`args: [ms]`, lets time pass). `settle` lets that many ms pass after the step: a command with a
 * short TTL always carries one, so the key has certainly expired on both sides before anything else
 * looks at it (see the package README, "Differential testing").
 */
export interface DifferentialCommand {
  readonly r: number;
  readonly op: string;
  readonly args: readonly unknown[];
  readonly settle?: number;
}

/** A named sequence kept as a regression test: what diverged, and the shrunk steps that showed it. */
export interface DifferentialRegression {
  readonly name: string;
  readonly commands: readonly DifferentialCommand[];
}

/**
 * The key prefixes of the repositories a sequence runs on (they share one backend): nested
 * prefixes, glob characters that `deletePattern` must escape, and the empty prefix that sees
 * every key.
 */
export const DIFFERENTIAL_PREFIXES: readonly string[] = ['app:', 'app:x:', 'q*[1]\\:', ''];

/** Formats a value as a JavaScript literal that keeps `-0`, `Infinity` and `undefined`. */
export function formatLiteral(value: unknown): string {
  if (typeof value === 'number') {
    if (Object.is(value, -0)) return '-0';
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatLiteral).join(', ')}]`;
  const fields = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${formatLiteral(v)}`);
  return `{ ${fields.join(', ')} }`;
}

/** One step as source code, e.g. `{ r: 0, op: 'set', args: ["a", 1, { ttl: "1h" }] }`. */
export function formatCommand(command: DifferentialCommand): string {
  const settle = command.settle === undefined ? '' : `, settle: ${command.settle}`;
  return `{ r: ${command.r}, op: '${command.op}', args: ${formatLiteral(command.args)}${settle} }`;
}
