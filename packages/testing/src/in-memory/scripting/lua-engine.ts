import { formatLuaNumber, type RedisReply, ReplyError } from './redis-reply.js';

type LuaState = object;

type Fengari = typeof import('fengari');

/** Runs one Redis command for `redis.call`: its reply, or a `ReplyError`. */
export type CommandDispatch = (args: readonly Buffer[]) => RedisReply;

/** A script's result as Redis converts the Lua value it returned. */
export type ScriptResult = RedisReply;

const UNPACK_FOR_LUA_51 = 'unpack = table.unpack';

/**
 * One Lua VM (fengari, Lua 5.3) that runs scripts the way Redis' Lua 5.1 does: `KEYS` and `ARGV`,
 * `redis.call` and `redis.pcall` onto the fake's own commands, `redis.status_reply`,
 * `redis.error_reply`, `redis.sha1hex`, `redis.log`, and `unpack` as a global. Each script is
 * compiled once (by SHA1) and runs synchronously to its end: nothing else touches the store
 * meanwhile, so a script is atomic as on Redis.
 */
export class LuaEngine {
  readonly #f: Fengari;
  readonly #L: LuaState;
  readonly #compiled = new Map<string, number>();
  #dispatch: CommandDispatch | undefined;

  constructor(fengari: Fengari, sha1: (text: Buffer) => string) {
    this.#f = fengari;
    const { lua, lauxlib, lualib, to_luastring } = fengari;
    const L = lauxlib.luaL_newstate();
    this.#L = L;
    lualib.luaL_openlibs(L);
    lua.lua_createtable(L, 0, 8);
    const setFunction = (name: string, fn: (L: LuaState) => number) => {
      lua.lua_pushjsfunction(L, fn);
      lua.lua_setfield(L, -2, to_luastring(name));
    };
    setFunction('call', () => this.#call(true));
    setFunction('pcall', () => this.#call(false));
    setFunction('status_reply', () => this.#replyTable('ok'));
    setFunction('error_reply', () => this.#replyTable('err'));
    setFunction('sha1hex', () => {
      lua.lua_pushstring(L, to_luastring(sha1(this.#bytesAt(1))));
      return 1;
    });
    setFunction('log', () => 0);
    for (const [name, level] of [
      ['LOG_DEBUG', 0],
      ['LOG_VERBOSE', 1],
      ['LOG_NOTICE', 2],
      ['LOG_WARNING', 3],
    ] as const) {
      lua.lua_pushinteger(L, level);
      lua.lua_setfield(L, -2, to_luastring(name));
    }
    lua.lua_setglobal(L, to_luastring('redis'));
    lauxlib.luaL_loadbuffer(L, to_luastring(UNPACK_FOR_LUA_51), null, to_luastring('=init'));
    lua.lua_pcall(L, 0, 0, 0);
  }

  /** Whether `sha` has been compiled in this VM. */
  has(sha: string): boolean {
    return this.#compiled.has(sha);
  }

  /**
   * Runs `source` (compiled once under `sha`) with `keys` and `args`; `dispatch` runs the commands
   * it calls. Returns the converted result, or throws a `ReplyError` (compile or runtime error, an
   * error reply, a failed `redis.call`).
   */
  run(
    sha: string,
    source: string,
    keys: readonly Buffer[],
    args: readonly Buffer[],
    dispatch: CommandDispatch,
  ): ScriptResult {
    const { lua } = this.#f;
    const L = this.#L;
    const top = lua.lua_gettop(L);
    try {
      this.#pushFunction(sha, source);
      this.#setArray('KEYS', keys);
      this.#setArray('ARGV', args);
      this.#dispatch = dispatch;
      if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) throw this.#errorOf(-1);
      return this.#toReply(-1);
    } finally {
      this.#dispatch = undefined;
      lua.lua_settop(L, top);
    }
  }

  #pushFunction(sha: string, source: string): void {
    const { lua, lauxlib, to_luastring } = this.#f;
    const L = this.#L;
    const ref = this.#compiled.get(sha);
    if (ref !== undefined) {
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
      return;
    }
    const status = lauxlib.luaL_loadbuffer(
      L,
      Buffer.from(source, 'utf8'),
      null,
      to_luastring('@user_script'),
    );
    if (status !== lua.LUA_OK) {
      const message = this.#f.lua.lua_tostring(L, -1);
      throw new ReplyError(`ERR Error compiling script (new function): ${text(message)}`);
    }
    lua.lua_pushvalue(L, -1);
    this.#compiled.set(sha, lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX));
  }

  #setArray(name: string, values: readonly Buffer[]): void {
    const { lua, to_luastring } = this.#f;
    const L = this.#L;
    lua.lua_createtable(L, values.length, 0);
    values.forEach((value, i) => {
      lua.lua_pushstring(L, value);
      lua.lua_rawseti(L, -2, i + 1);
    });
    lua.lua_setglobal(L, to_luastring(name));
  }

  /** `redis.call` (raises on an error reply) and `redis.pcall` (returns it as `{err=...}`). */
  #call(raise: boolean): number {
    const { lua } = this.#f;
    const L = this.#L;
    const count = lua.lua_gettop(L);
    if (count === 0)
      return this.#fail(raise, 'ERR Please specify at least one argument for this redis lib call');
    const args: Buffer[] = [];
    for (let i = 1; i <= count; i++) {
      const type = lua.lua_type(L, i);
      if (type === lua.LUA_TNUMBER) {
        args.push(Buffer.from(formatLuaNumber(lua.lua_tonumber(L, i))));
      } else if (type === lua.LUA_TSTRING) {
        args.push(this.#bytesAt(i));
      } else {
        return this.#fail(raise, 'ERR Lua redis lib command arguments must be strings or integers');
      }
    }
    let reply: RedisReply;
    try {
      reply = this.#dispatch!(args);
    } catch (error) {
      if (!(error instanceof ReplyError)) throw error;
      return this.#fail(raise, error.message);
    }
    this.#push(reply);
    return 1;
  }

  #fail(raise: boolean, message: string): number {
    const { lua, to_luastring } = this.#f;
    const L = this.#L;
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushstring(L, to_luastring(message));
    lua.lua_setfield(L, -2, to_luastring('err'));
    if (raise) lua.lua_error(L);
    return 1;
  }

  /** `redis.status_reply(s)` → `{ok=s}`, `redis.error_reply(s)` → `{err=s}`. */
  #replyTable(field: 'ok' | 'err'): number {
    const { lua, to_luastring } = this.#f;
    const L = this.#L;
    const message = this.#bytesAt(1);
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushstring(L, message);
    lua.lua_setfield(L, -2, to_luastring(field));
    return 1;
  }

  /** Redis → Lua: integer → number, bulk → string, nil → false, array → table, status → `{ok=...}`. */
  #push(reply: RedisReply): void {
    const { lua, to_luastring } = this.#f;
    const L = this.#L;
    if (reply === null) lua.lua_pushboolean(L, false);
    else if (typeof reply === 'number') lua.lua_pushinteger(L, reply);
    else if (Buffer.isBuffer(reply)) lua.lua_pushstring(L, reply);
    else if (Array.isArray(reply)) {
      lua.lua_createtable(L, reply.length, 0);
      reply.forEach((item, i) => {
        this.#push(item);
        lua.lua_rawseti(L, -2, i + 1);
      });
    } else if ('status' in reply) {
      lua.lua_createtable(L, 0, 1);
      lua.lua_pushstring(L, to_luastring(reply.status));
      lua.lua_setfield(L, -2, to_luastring('ok'));
    } else {
      lua.lua_createtable(L, 0, 1);
      lua.lua_pushstring(L, to_luastring(reply.error));
      lua.lua_setfield(L, -2, to_luastring('err'));
    }
  }

  /**
   * Lua → Redis, at `index`: a number → integer (truncated toward zero), a string → bulk, `true`
   * → 1, `false`/`nil` → nil, a table with `err` → error reply, with `ok` → status reply, any
   * other table → array up to its first `nil`.
   */
  #toReply(index: number): ScriptResult {
    const { lua, to_luastring } = this.#f;
    const L = this.#L;
    const type = lua.lua_type(L, index);
    if (type === lua.LUA_TNUMBER) return Math.trunc(lua.lua_tonumber(L, index));
    if (type === lua.LUA_TSTRING) return this.#bytesAt(index);
    if (type === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, index) ? 1 : null;
    if (type !== lua.LUA_TTABLE) return null;
    const table = lua.lua_gettop(L) + index + 1;
    if (lua.lua_getfield(L, table, to_luastring('err')) === lua.LUA_TSTRING) {
      const message = text(lua.lua_tostring(L, -1));
      lua.lua_pop(L, 1);
      throw new ReplyError(message);
    }
    lua.lua_pop(L, 1);
    if (lua.lua_getfield(L, table, to_luastring('ok')) === lua.LUA_TSTRING) {
      const status = text(lua.lua_tostring(L, -1));
      lua.lua_pop(L, 1);
      return { status };
    }
    lua.lua_pop(L, 1);
    const items: ScriptResult[] = [];
    for (let i = 1; lua.lua_rawgeti(L, table, i) !== lua.LUA_TNIL; i++) {
      items.push(this.#toReply(-1));
      lua.lua_pop(L, 1);
    }
    lua.lua_pop(L, 1);
    return items;
  }

  /** The error a failed `pcall` left at `index`: an `{err=...}` table's message, or a runtime error. */
  #errorOf(index: number): ReplyError {
    const { lua, to_luastring } = this.#f;
    const L = this.#L;
    if (lua.lua_type(L, index) === lua.LUA_TTABLE) {
      lua.lua_getfield(L, index, to_luastring('err'));
      const message = lua.lua_tostring(L, -1);
      lua.lua_pop(L, 1);
      if (message !== null) return new ReplyError(text(message));
    }
    const message = lua.lua_tostring(L, index);
    return new ReplyError(`ERR Error running script: ${message === null ? 'unknown error' : text(message)}`);
  }

  #bytesAt(index: number): Buffer {
    const bytes = this.#f.lua.lua_tostring(this.#L, index);
    return bytes === null ? Buffer.alloc(0) : Buffer.from(bytes);
  }
}

function text(bytes: Uint8Array | null): string {
  return bytes === null ? '' : Buffer.from(bytes).toString('utf8');
}
