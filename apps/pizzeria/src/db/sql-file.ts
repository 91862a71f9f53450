import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from 'sql.js';

/**
 * SQLite through sql.js (SQLite compiled to WebAssembly). The issue asked for better-sqlite3, but
 * its install script needs either a prebuilt binary from GitHub or Node's headers from nodejs.org
 * (pnpm 12 does not pass npm's `nodedir` to node-gyp), and neither is reachable on this project's
 * machines and CI; sql.js installs from the npm registry alone and needs no compiler. The price:
 * the database lives in memory and is written back to its file after every change (the file is
 * small), and one process owns it (the simulation shares it through the parent process).
 */
let engine: Promise<SqlJsStatic> | undefined;

function loadEngine(): Promise<SqlJsStatic> {
  engine ??= initSqlJs();
  return engine;
}

/** Named parameters, `$name` in the SQL text. */
export type SqlParams = Record<`$${string}`, SqlValue>;

/** A SQLite database, in memory or backed by a file that is rewritten after every change. */
export class SqlFile {
  readonly #db: Database;
  readonly #path: string | undefined;

  private constructor(db: Database, path: string | undefined) {
    this.#db = db;
    this.#path = path;
  }

  /** Opens `path` (created on first save), or an in-memory database for `':memory:'`/`undefined`. */
  static async open(path: string | undefined): Promise<SqlFile> {
    const SQL = await loadEngine();
    const file = path === ':memory:' ? undefined : path;
    const db =
      file !== undefined && existsSync(file) ? new SQL.Database(readFileSync(file)) : new SQL.Database();
    return new SqlFile(db, file);
  }

  /** Where the database is saved, or `undefined` in memory. */
  get path(): string | undefined {
    return this.#path;
  }

  /** Runs statements without results (DDL). */
  exec(sql: string): void {
    this.#db.exec(sql);
  }

  /** Rows of a query, as objects. */
  all<T>(sql: string, params: SqlParams = {}): T[] {
    const statement = this.#db.prepare(sql);
    try {
      statement.bind(params);
      const rows: T[] = [];
      while (statement.step()) rows.push(statement.getAsObject() as T);
      return rows;
    } finally {
      statement.free();
    }
  }

  /** First row of a query, or `undefined`. */
  get<T>(sql: string, params: SqlParams = {}): T | undefined {
    return this.all<T>(sql, params)[0];
  }

  /** Runs a write; returns the number of rows changed. Does not save: call {@link save}. */
  run(sql: string, params: SqlParams = {}): number {
    this.#db.run(sql, params);
    return this.#db.getRowsModified();
  }

  /** Runs `fn` in a transaction (rolled back if it throws), then saves. */
  transaction<T>(fn: () => T): T {
    this.#db.exec('BEGIN');
    let result: T;
    try {
      result = fn();
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
    this.save();
    return result;
  }

  /** Writes the database to its file (write to a temp file, then rename: never a torn file). */
  save(): void {
    if (this.#path === undefined) return;
    mkdirSync(dirname(this.#path), { recursive: true });
    const temp = `${this.#path}.${process.pid}.tmp`;
    writeFileSync(temp, this.#db.export());
    renameSync(temp, this.#path);
  }

  /** Saves and frees the database. */
  close(): void {
    this.save();
    this.#db.close();
  }
}
