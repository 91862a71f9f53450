import { createHash } from 'node:crypto';
import {
  cacheErrorOfReply,
  evalShaThenEval,
  type RawScriptCommands,
  type RawScriptReply,
  type RawValue,
} from '@forno/core/backend';
import { createContext, type InMemoryContext } from '../in-memory-context.js';
import type { InMemoryStore } from '../in-memory-store.js';
import { LuaEngine } from '../scripting/lua-engine.js';
import { dispatchRedisCall, type ScriptableCommands } from '../scripting/redis-call-table.js';
import type { RedisReply } from '../scripting/redis-reply.js';
import { ReplyError } from '../scripting/redis-reply.js';
import { hashCommands } from './hash-commands.js';
import { listCommands } from './list-commands.js';
import { setCommands } from './set-commands.js';
import { sortedSetCommands } from './sorted-set-commands.js';
import { stringCommands } from './string-commands.js';

/** One Lua VM per store (a server has one), created on the first script. */
const engines = new WeakMap<InMemoryStore, Promise<LuaEngine>>();

const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

function engineOf(store: InMemoryStore): Promise<LuaEngine> {
  let engine = engines.get(store);
  if (engine === undefined) {
    engine = import('fengari').then(({ default: fengari }) => new LuaEngine(fengari, sha1));
    engines.set(store, engine);
  }
  return engine;
}

/**
 * Scripts on the fake, run for real by a Lua VM (fengari) whose `redis.call` runs the fake's own
 * commands on the same store. As on Redis: `EVALSHA` of a script missing from the store's cache
 * (`store.scripts`) answers `NOSCRIPT` and the `EVAL` fallback caches it. Once the VM is loaded
 * (the first script awaits fengari's import, before touching the store), `EVALSHA`/`EVAL` run in
 * one synchronous step, so nothing interleaves with a script.
 */
export function scriptCommands(ctx: InMemoryContext): RawScriptCommands {
  const bytesContext = createContext(() => ctx.store(), 'binary');
  const commands: ScriptableCommands = {
    ...stringCommands(bytesContext),
    ...hashCommands(bytesContext),
    ...listCommands(bytesContext),
    ...setCommands(bytesContext),
    ...sortedSetCommands(bytesContext),
  };
  const dispatch = (args: readonly Buffer[]) => dispatchRedisCall(commands, bytesContext, args);

  /** `EVALSHA sha` (NOSCRIPT when the store's cache lacks it) or `EVAL source`, which caches it. */
  const send = (engine: LuaEngine, [command, script, ...rest]: readonly (string | RawValue)[]) => {
    const store = ctx.store();
    let sha = String(script);
    if (command === 'EVAL') {
      sha = sha1(Buffer.from(String(script), 'utf8'));
      store.scripts.set(sha, String(script));
    }
    const source = store.scripts.get(sha);
    if (source === undefined) throw new ReplyError('NOSCRIPT No matching script. Please use EVAL.');
    const count = Number(rest[0]);
    const buffers = rest
      .slice(1)
      .map((arg) => (typeof arg === 'string' ? Buffer.from(arg, 'utf8') : Buffer.from(arg)));
    return engine.run(sha, source, buffers.slice(0, count), buffers.slice(count), dispatch);
  };

  return {
    async evalScript(script, keys, args) {
      const engine = await engineOf(ctx.store());
      let result: RedisReply;
      try {
        result = (await evalShaThenEval(async (command) => send(engine, command), script.sha, script.source, [
          String(keys.length),
          ...keys,
          ...args,
        ])) as RedisReply;
      } catch (error) {
        if (error instanceof ReplyError) throw cacheErrorOfReply(error.message, {});
        throw error;
      }
      return toRawReply(result, ctx, script.reply === 'value');
    },
  };
}

/** The reply as a driver reads it: strings as bytes, or in the serializer's format for values. */
function toRawReply(reply: RedisReply, ctx: InMemoryContext, values: boolean): RawScriptReply {
  if (reply === null || typeof reply === 'number') return reply;
  if (Array.isArray(reply)) return reply.map((item) => toRawReply(item, ctx, values));
  const bytes = Buffer.isBuffer(reply) ? reply : Buffer.from('status' in reply ? reply.status : reply.error);
  return values ? ctx.reply(bytes.toString('latin1')) : bytes;
}
