import { FactoryTimeoutError } from '../errors.js';

/**
 * Runs `run` (sync throws become rejections); after `hardTimeoutMs` (0: never) rejects with
 * `FactoryTimeoutError` and aborts `controller` with it, abandoning whatever `run` still does.
 */
export function withHardTimeout<T>(
  run: () => T | Promise<T>,
  hardTimeoutMs: number,
  controller: AbortController,
): Promise<T> {
  const running = Promise.resolve().then(run);
  if (hardTimeoutMs <= 0) return running;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new FactoryTimeoutError(hardTimeoutMs);
      controller.abort(error);
      reject(error);
    }, hardTimeoutMs);
    running.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
