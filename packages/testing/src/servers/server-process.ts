import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { RedisServerNotFoundError } from './errors.js';
import { processState } from './process-state.js';

const OUTPUT_LIMIT = 8_192;
const KILL_WAIT_MS = 10_000;

/**
 * One spawned server process: its signals, its exit and its console output. `RedisServer` owns
 * one at a time and replaces it on restart; keeping the process mechanics here keeps the server
 * class about ports, directories and readiness.
 */
export class ServerProcess {
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<void>;
  readonly #child: ChildProcess;
  #alive = true;
  #paused = false;
  #output = '';

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        this.#alive = false;
        this.#paused = false;
        resolve();
      });
    });
    child.on('error', () => undefined); // signalling a dead process must not crash the test run
    const capture = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    // a forgotten server must not keep the test process alive; the exit hook kills it
    child.unref();
    for (const stream of [child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
  }

  /**
   * Spawns `binary` with `argv` and resolves once the OS has started it. A missing binary rejects
   * with {@link RedisServerNotFoundError}.
   */
  static async spawn(binary: string, argv: readonly string[]): Promise<ServerProcess> {
    const child = spawn(binary, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new RedisServerNotFoundError(binary, { cause: error });
      }
      throw error;
    }
    return new ServerProcess(child);
  }

  /** The process id. */
  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** True until the process has exited (a paused process is alive). */
  get alive(): boolean {
    return this.#alive;
  }

  /** True between `pause()` and `resume()`. */
  get paused(): boolean {
    return this.#paused;
  }

  /** The last 8 KiB of stdout and stderr: errors printed before the log file was opened. */
  get output(): string {
    return this.#output;
  }

  /** How the process ended (`code 1`, `SIGKILL`), or `running`. */
  get exitDescription(): string {
    if (this.#alive) return 'running';
    return this.#child.signalCode ?? `code ${this.#child.exitCode}`;
  }

  /** SIGSTOP, resolved once the kernel reports the process stopped (on Linux). */
  async pause(): Promise<void> {
    this.#child.kill('SIGSTOP');
    this.#paused = true;
    await this.#waitForState((state) => state === 'T' || state === 't');
  }

  /** SIGCONT, resolved once the kernel reports the process running again (on Linux). */
  async resume(): Promise<void> {
    this.#child.kill('SIGCONT');
    this.#paused = false;
    await this.#waitForState((state) => state !== 'T' && state !== 't');
  }

  /** SIGTERM (plus SIGCONT, as a stopped process would never see it), then SIGKILL after `graceMs`. */
  async terminate(graceMs: number): Promise<void> {
    if (!this.#alive) return;
    this.#child.kill('SIGTERM');
    if (this.#paused) this.#child.kill('SIGCONT');
    if (await this.#waitForExit(graceMs)) return;
    await this.kill();
  }

  /** SIGKILL, resolved once the process is gone. */
  async kill(): Promise<void> {
    if (!this.#alive) return;
    this.#child.kill('SIGKILL');
    if (!(await this.#waitForExit(KILL_WAIT_MS))) {
      throw new Error(`Process ${this.pid} did not exit within ${KILL_WAIT_MS} ms of SIGKILL`);
    }
  }

  /** SIGKILL without waiting, for the synchronous exit hook. Works on a SIGSTOPped process too. */
  killNow(): void {
    if (!this.#alive) return;
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  async #waitForExit(ms: number): Promise<boolean> {
    const controller = new AbortController();
    const timeout = delay(ms, false, { signal: controller.signal }).catch(() => false);
    const exited = await Promise.race([this.exited.then(() => true), timeout]);
    controller.abort();
    return exited;
  }

  async #waitForState(accept: (state: string) => boolean): Promise<void> {
    for (let i = 0; i < 200 && this.#alive; i++) {
      const state = await processState(this.pid);
      if (state === undefined || accept(state)) return;
      await delay(10);
    }
  }
}
