import { rmSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseInfo } from '@forno/core';
import { RedisServerStartError } from './errors.js';
import { onProcessExit } from './exit-cleanup.js';
import type { RedisServer } from './redis-server.js';
import { type RespReply, sendCommand } from './resp.js';
import { ServerProcess } from './server-process.js';

const HOST = '127.0.0.1';
const STOP_GRACE_MS = 5_000;
const LOG_TAIL_LINES = 30;

/** Everything fixed for the lifetime of a {@link ManagedRedisServer}; `startRedisServer` fills it in. */
export interface ServerSettings {
  /** Port to listen on, kept across restarts. */
  port: number;
  /** Working directory: log, config file, `nodes.conf`. */
  dir: string;
  /** True when the helper created `dir` and must remove it on stop. */
  ownsDir: boolean;
  /** The caller's extra command-line options, appended last. */
  args: readonly string[];
  /** The redis-server executable. */
  binary: string;
  /** `requirepass`, also used by the helper's own probes. */
  password: string | undefined;
  /** Config file contents, written once to `<dir>/redis.conf`. */
  config: string | undefined;
  /** Time allowed for each start to answer PING. */
  startTimeout: number;
}

/**
 * The implementation behind {@link RedisServer}: one port and directory, and the current
 * {@link ServerProcess} (replaced on restart). Readiness means PING answered by the pid we spawned.
 */
export class ManagedRedisServer implements RedisServer {
  readonly host = HOST;
  readonly #settings: ServerSettings;
  #process: ServerProcess | undefined;
  #logOffset = 0;
  #unregisterCleanup: (() => void) | undefined;
  #stopping: Promise<void> | undefined;

  constructor(settings: ServerSettings) {
    this.#settings = settings;
  }

  get port(): number {
    return this.#settings.port;
  }

  get url(): string {
    const { password } = this.#settings;
    const auth = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
    return `redis://${auth}${HOST}:${this.port}`;
  }

  get pid(): number {
    return this.#process?.pid ?? -1;
  }

  get dir(): string {
    return this.#settings.dir;
  }

  get logFile(): string {
    return join(this.#settings.dir, 'redis.log');
  }

  get running(): boolean {
    return this.#process?.alive ?? false;
  }

  get paused(): boolean {
    return this.#process?.paused ?? false;
  }

  command(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<RespReply> {
    return sendCommand(this.port, args, {
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...this.#auth(),
    });
  }

  async stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#process?.terminate(STOP_GRACE_MS);
      if (this.#settings.ownsDir) await rm(this.dir, { recursive: true, force: true });
      this.#unregisterCleanup?.();
      this.#unregisterCleanup = undefined;
    })().finally(() => {
      this.#stopping = undefined;
    });
    return this.#stopping;
  }

  async kill(): Promise<void> {
    await this.#process?.kill();
  }

  async pause(): Promise<void> {
    await this.#running('pause').pause();
  }

  async resume(): Promise<void> {
    await this.#running('resume').resume();
  }

  async restart(): Promise<void> {
    await this.#stopping;
    await this.#process?.terminate(STOP_GRACE_MS);
    await this.#spawn();
    await this.#waitUntilReady();
  }

  async logTail(lines = LOG_TAIL_LINES): Promise<string> {
    let log = '';
    try {
      log = (await readFile(this.logFile)).subarray(this.#logOffset).toString('utf8');
    } catch {
      // no log yet: the server failed before opening it, the console output says why
    }
    const tail = log.trimEnd().split('\n').slice(-lines).join('\n');
    const output = this.#process?.output.trim() ?? '';
    return output === '' ? tail : `${tail}\n--- console output ---\n${output}`;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #spawn(): Promise<void> {
    const { dir, config, binary, password, args, port } = this.#settings;
    await mkdir(dir, { recursive: true });
    const configFile = join(dir, 'redis.conf');
    // written once: a sentinel rewrites its config, and a restart must keep what it learned
    if (config !== undefined && !(await exists(configFile))) await writeFile(configFile, config);
    this.#logOffset = await fileSize(this.logFile);
    this.#process = await ServerProcess.spawn(binary, [
      ...(config === undefined ? [] : [configFile]),
      ...['--port', String(port), '--bind', HOST, '--daemonize', 'no'],
      ...['--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', this.logFile],
      // replicas sync at once instead of after Redis' default 5 s wait for more replicas
      ...['--repl-diskless-sync-delay', '0'],
      ...(password === undefined ? [] : ['--requirepass', password]),
      ...args,
    ]);
    this.#unregisterCleanup ??= onProcessExit(() => {
      this.#process?.killNow();
      if (this.#settings.ownsDir) rmSync(this.dir, { recursive: true, force: true });
    });
  }

  async #waitUntilReady(): Promise<void> {
    const { startTimeout, port } = this.#settings;
    const child = this.#running('start');
    const deadline = Date.now() + startTimeout;
    let lastError: unknown;
    while (child.alive) {
      try {
        if (await this.#answersAsPid(child)) return;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) {
        await child.kill();
        const logTail = await this.logTail();
        const message = `redis-server on port ${port} was not ready within ${startTimeout} ms`;
        throw new RedisServerStartError(message, { port, logTail, cause: lastError });
      }
      await Promise.race([delay(50), child.exited]);
    }
    const logTail = await this.logTail();
    const message = `redis-server on port ${port} exited during startup (${child.exitDescription})`;
    throw new RedisServerStartError(message, { port, logTail, cause: lastError });
  }

  /**
   * True when the port answers PING and reports the pid of `child` (ours, not whoever won a port
   * race); false as soon as `child` exits, even while a probe hangs on whoever holds the port.
   * Throws why the server is not ready yet.
   */
  async #answersAsPid(child: ServerProcess): Promise<boolean> {
    const controller = new AbortController();
    const exited = child.exited.then(() => {
      controller.abort();
      return false;
    });
    const probe = async (): Promise<boolean> => {
      const options = { timeoutMs: 1000, signal: controller.signal };
      const reply = await sendCommand(this.port, ['PING'], { ...options, ...this.#auth() });
      if (reply !== 'PONG') throw new Error(`PING answered ${JSON.stringify(reply)}`);
      const info = parseInfo(
        String(await sendCommand(this.port, ['INFO', 'server'], { ...options, ...this.#auth() })),
      );
      if (info.process_id !== String(child.pid)) {
        throw new Error(`port ${this.port} is answered by pid ${info.process_id}, not ${child.pid}`);
      }
      return true;
    };
    try {
      return await Promise.race([probe(), exited]);
    } finally {
      controller.abort();
    }
  }

  #auth(): { password?: string } {
    const { password } = this.#settings;
    return password === undefined ? {} : { password };
  }

  #running(action: string): ServerProcess {
    const current = this.#process;
    if (current?.alive) return current;
    throw new Error(`Cannot ${action} redis-server on port ${this.port}: it is not running`);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function fileSize(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}
