import { type ChildProcess, fork } from 'node:child_process';

const WORKER = new URL('./process-worker.ts', import.meta.url).pathname;

/** A process-worker child: `call` sends a request and resolves with its result. */
export class Child {
  readonly #process: ChildProcess;
  readonly #replies = new Map<number, (result: unknown) => void>();
  readonly ready: Promise<void>;
  #ids = 0;

  constructor(args: readonly string[]) {
    this.#process = fork(WORKER, [...args], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => {
      this.#process.once('exit', (code) => reject(new Error(`benchmark worker exited (${code})`)));
      this.#process.on('message', ({ id, result }: { id: number; result: unknown }) => {
        if (id === -1) resolve();
        this.#replies.get(id)?.(result);
        this.#replies.delete(id);
      });
    });
  }

  call<T>(request: Record<string, unknown>): Promise<T> {
    const id = this.#ids++;
    return new Promise<T>((resolve) => {
      this.#replies.set(id, resolve as (result: unknown) => void);
      this.#process.send({ ...request, id });
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.#process.once('exit', resolve));
    this.#process.send({ op: 'stop', id: -2 });
    await exited;
  }
}

/** Starts children and waits until all are ready. */
export async function startChildren(argsList: readonly (readonly string[])[]): Promise<Child[]> {
  const children = argsList.map((args) => new Child(args));
  await Promise.all(children.map((child) => child.ready));
  return children;
}
