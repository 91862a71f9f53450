/** A promise with its `resolve` and `reject` exposed: see {@link deferred}. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * A promise that a test settles by hand, to hold an operation (a factory, a backend call) in
 * flight until the test lets it finish. Node 20 has no `Promise.withResolvers`.
 */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
