import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, Reply, WorkerSettings } from './protocol.js';

const here = dirname(fileURLToPath(import.meta.url));

type Request = Exclude<Command, { type: 'stop' }>;
type Without<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** A worker process: `call` sends a command and resolves with its reply. */
export class Worker {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  readonly ready: Promise<void>;
  #ids = 0;

  constructor(settings: WorkerSettings) {
    this.#child = fork(join(here, 'worker.ts'), [JSON.stringify(settings)], {
      cwd: join(here, '..', '..'),
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => {
      this.#child.once('exit', (code) => {
        const error = new Error(`worker exited (${code})`);
        reject(error);
        for (const pending of this.#pending.values()) pending.reject(error);
      });
      this.#child.on('message', (reply: Reply) => {
        if (reply.type === 'ready') return resolve();
        const pending = this.#pending.get(reply.id);
        this.#pending.delete(reply.id);
        if (reply.type === 'reply') pending?.resolve(reply.result);
        else pending?.reject(new Error(reply.message));
      });
    });
    this.ready.catch(() => {});
  }

  call<T>(command: Without<Request, 'id'>): Promise<T> {
    const id = this.#ids++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#child.send({ ...command, id });
    });
  }

  /** Asks the worker to close its cache and exit; kills it if it does not within 10 s. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.send({ type: 'stop' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Starts `count` workers and waits until each one's bus delivers. */
export async function startWorkers(count: number, settings: WorkerSettings): Promise<Worker[]> {
  const workers = Array.from({ length: count }, () => new Worker(settings));
  try {
    await Promise.all(workers.map((worker) => worker.ready));
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.stop().catch(() => {})));
    throw error;
  }
  return workers;
}
