import type { CacheRepository } from './cache-repository.js';
import { COMMAND_NAMES, type CommandName } from './command-table.js';
import type { LockBackend } from './lock-primitives.js';

/** The commands that return an async iterator, not a promise: a wrapper hands them to the inner repository. */
export type IteratorCommand = 'scan' | 'hscan' | 'sscan' | 'zscan';

/** Names of every {@link IteratorCommand}. */
export const ITERATOR_COMMANDS: readonly IteratorCommand[] = ['scan', 'hscan', 'sscan', 'zscan'];

/**
 * Every command of the table except the iterators (`scan`, `hscan`...), which a wrapper hands to
 * the inner repository as they are: what a forwarding wrapper intercepts.
 */
export type RepositoryCommand = Exclude<CommandName, IteratorCommand>;

/**
 * The intercepted methods, with their exact `CacheRepository` and `LockBackend` signatures
 * (overloads included).
 */
export type ForwardedCommands = Pick<CacheRepository & LockBackend, RepositoryCommand>;

/** Receives every intercepted call: the method name and its arguments, untouched. */
export type CommandInvoker = (name: RepositoryCommand, args: unknown[]) => Promise<unknown>;

/** Names of every {@link RepositoryCommand}, read from the command table. */
export const REPOSITORY_COMMANDS = COMMAND_NAMES.filter(
  (name): name is RepositoryCommand => !(ITERATOR_COMMANDS as readonly string[]).includes(name),
);

/** Calls `repository[name](...args)`. */
export function callCommand(
  repository: CacheRepository & LockBackend,
  name: RepositoryCommand,
  args: unknown[],
): Promise<unknown> {
  const method = repository[name] as (...args: unknown[]) => Promise<unknown>;
  return method.apply(repository, args);
}

function forwardingBase(): abstract new (invoke: CommandInvoker) => ForwardedCommands {
  class Forwarding {
    readonly #invoke: CommandInvoker;

    constructor(invoke: CommandInvoker) {
      this.#invoke = invoke;
    }

    static {
      for (const name of REPOSITORY_COMMANDS) {
        // A computed method name gives each function its command's name, for stack traces.
        const method = {
          [name](this: Forwarding, ...args: unknown[]): Promise<unknown> {
            return this.#invoke(name, args);
          },
        }[name];
        Object.defineProperty(Forwarding.prototype, name, {
          value: method,
          writable: true,
          configurable: true,
        });
      }
    }
  }
  return Forwarding as unknown as abstract new (
    invoke: CommandInvoker,
  ) => ForwardedCommands;
}

/**
 * A base class whose prototype has one method per {@link RepositoryCommand}, each handing its name
 * and arguments to the invoker given to the constructor. Decorators of a `CacheBackend` (the
 * chaos wrapper, the resilient repository) extend it and write by hand only what is not a plain
 * command, instead of fifty forwarding methods.
 */
export const ForwardingCommands = forwardingBase();
