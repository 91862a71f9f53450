import type { Policy } from './policy.js';

/**
 * A function with the parameters and `this` of `F` whose result is always a promise: what
 * `policy.wrap(fn)` returns.
 */
export type WrappedFunction<F extends (...args: never[]) => unknown> = (
  this: ThisParameterType<F>,
  ...args: Parameters<F>
) => Promise<Awaited<ReturnType<F>>>;

/**
 * Returns a function that runs `fn` through `policy` on every call, keeping its parameters and
 * `this` (so it works on methods, as a method decorator would). Internal:
 * each policy exposes it as `wrap(fn)`.
 */
export function wrapFunction<F extends (...args: never[]) => unknown>(
  policy: Policy,
  fn: F,
): WrappedFunction<F> {
  return function (this: ThisParameterType<F>, ...args: Parameters<F>) {
    return policy.execute(() => fn.apply(this, args) as Awaited<ReturnType<F>>);
  };
}
