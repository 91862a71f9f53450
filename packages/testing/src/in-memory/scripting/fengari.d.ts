/**
 * The part of fengari (a Lua 5.3 VM in JavaScript, no type declarations of its own) that the
 * fake's script engine uses. Lua strings are `Uint8Array`s of bytes.
 */
declare module 'fengari' {
  type LuaState = object;
  type LuaString = Uint8Array;
  interface Lua {
    readonly LUA_OK: number;
    readonly LUA_TNIL: number;
    readonly LUA_TBOOLEAN: number;
    readonly LUA_TNUMBER: number;
    readonly LUA_TSTRING: number;
    readonly LUA_TTABLE: number;
    readonly LUA_REGISTRYINDEX: number;
    lua_pushjsfunction(L: LuaState, fn: (L: LuaState) => number): void;
    lua_pushstring(L: LuaState, s: LuaString): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushboolean(L: LuaState, b: boolean): void;
    lua_pushnil(L: LuaState): void;
    lua_pushvalue(L: LuaState, index: number): void;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_rawseti(L: LuaState, index: number, n: number): void;
    lua_rawgeti(L: LuaState, index: number, n: number): number;
    lua_setfield(L: LuaState, index: number, k: LuaString): void;
    lua_getfield(L: LuaState, index: number, k: LuaString): number;
    lua_setglobal(L: LuaState, name: LuaString): void;
    lua_getglobal(L: LuaState, name: LuaString): number;
    lua_type(L: LuaState, index: number): number;
    lua_tostring(L: LuaState, index: number): LuaString | null;
    lua_tonumber(L: LuaState, index: number): number;
    lua_toboolean(L: LuaState, index: number): boolean;
    lua_gettop(L: LuaState): number;
    lua_settop(L: LuaState, index: number): void;
    lua_pop(L: LuaState, n: number): void;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_error(L: LuaState): never;
  }
  interface Lauxlib {
    luaL_newstate(): LuaState;
    luaL_loadbuffer(L: LuaState, buffer: LuaString, size: number | null, name: LuaString): number;
    luaL_ref(L: LuaState, table: number): number;
  }
  interface Lualib {
    luaL_openlibs(L: LuaState): void;
  }
  const fengari: {
    readonly lua: Lua;
    readonly lauxlib: Lauxlib;
    readonly lualib: Lualib;
    to_luastring(text: string): LuaString;
  };
  export = fengari;
}
