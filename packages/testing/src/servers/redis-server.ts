import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisServerStartError } from './errors.js';
import { findFreePort } from './free-port.js';
import { ManagedRedisServer } from './managed-redis-server.js';
import type { RespReply } from './resp.js';

const DEFAULT_START_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 5;

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /**
   * Port to listen on. Default: a free loopback port, and if another process grabs it before the
   * server binds, the start is retried on a new one. An explicit port is never changed.
   */
  port?: number;
  /** Extra command-line options, appended last (`['--maxmemory', '10mb']`). Leave port, bind, dir and logfile to the helper. */
  args?: readonly string[];
  /** Sets `requirepass`; the helper's own probes authenticate with it. */
  password?: string;
  /** How long to wait for the server to answer PING. Default 30 000 ms. */
  startTimeout?: number;
  /**
   * Working directory (data, `nodes.conf`, log). Default: a fresh temp dir under `os.tmpdir()`,
   * removed by `stop()`. A directory passed here is created if missing and never removed.
   */
  dir?: string;
  /** The redis-server executable. Default `redis-server`, searched on `PATH`. */
  binary?: string;
  /**
   * Contents of a config file, written once to `<dir>/redis.conf` and passed as the first argument.
   * Sentinels need one: they refuse to start without a writable config file they can rewrite.
   */
  config?: string;
}

/**
 * A redis-server process owned by a test, listening on 127.0.0.1. Everything a fault-tolerance test
 * needs is here: stop it, kill it, freeze it (SIGSTOP) and bring it back on the same port. Whatever
 * is not stopped explicitly is SIGKILLed when the test process exits.
 */
export interface RedisServer extends AsyncDisposable {
  /** Always `127.0.0.1`: servers bind loopback only. */
  readonly host: string;
  /** The port; it stays the same across `restart()`. */
  readonly port: number;
  /** `redis://127.0.0.1:PORT`, with `:password@` when a password is set. */
  readonly url: string;
  /** Pid of the current (or last) process; changes on `restart()`. */
  readonly pid: number;
  /** Working directory (log file, `nodes.conf`, sentinel config). */
  readonly dir: string;
  /** Path of the server's log file. */
  readonly logFile: string;
  /** True while a process exists, paused or not. */
  readonly running: boolean;
  /** True between `pause()` and `resume()`. */
  readonly paused: boolean;
  /** Sends one command with the helper's own RESP client (authenticated when a password is set). */
  command(args: readonly string[], options?: { timeoutMs?: number }): Promise<RespReply>;
  /** SIGTERM (and SIGCONT, in case it is paused), SIGKILL after 5 s; then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL, resolved once the process is gone: a crash, for failover tests. The dir is kept for `restart()`. */
  kill(): Promise<void>;
  /** SIGSTOP: the port still accepts connections but nothing is answered, like a hung server. */
  pause(): Promise<void>;
  /** SIGCONT after `pause()`. */
  resume(): Promise<void>;
  /** Starts a new process on the same port, args and dir (stopping the current one first), and waits until it is ready. */
  restart(): Promise<void>;
  /** Last lines of the log file and of the console output of the current process. */
  logTail(lines?: number): Promise<string>;
}

/**
 * Starts `redis-server` on a free loopback port, without persistence, with no delay before a
 * replica's full sync and with its log in a temp dir, and resolves once it answers PING and
 * reports the pid we spawned (so a port collision can never be mistaken for readiness).
 *
 * Rejects with {@link RedisServerNotFoundError} when the binary is missing, and with
 * {@link RedisServerStartError} (including the log tail) when the server exits early or is not
 * ready within `startTimeout`. Servers started with `--cluster-enabled yes` get a port whose cluster
 * bus port (port + 10000) is free too.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const args = options.args ?? [];
  const attempts = options.port === undefined ? PORT_ATTEMPTS : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = options.port ?? (await findFreePort({ clusterBus: isClusterEnabled(args) }));
    const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'forno-redis-')));
    const server = new ManagedRedisServer({
      port,
      dir,
      ownsDir: options.dir === undefined,
      args,
      binary: options.binary ?? 'redis-server',
      password: options.password,
      config: options.config,
      startTimeout: options.startTimeout ?? DEFAULT_START_TIMEOUT_MS,
    });
    try {
      await server.restart(); // the first start: nothing to stop yet
      return server;
    } catch (error) {
      await server.stop().catch(() => undefined);
      if (!(RedisServerStartError.is(error) && error.portInUse)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

function isClusterEnabled(args: readonly string[]): boolean {
  const index = args.indexOf('--cluster-enabled');
  return index !== -1 && args[index + 1] === 'yes';
}
