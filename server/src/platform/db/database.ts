/**
 * @module platform/db/database
 * Opens the database named by the configuration: embedded SQLite (better-sqlite3, WAL) by default,
 * PostgreSQL when DATABASE_URL says so. Both speak the same Kysely schema and queries.
 * Knows nothing about the domain tables beyond the generic type parameter.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteDialectConfig } from 'kysely';
import { closeWal, registerNativeDatabase, WriteWatches } from './native.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /** '' (embedded SQLite in dataDir), `sqlite:/path`, or `postgres://…` */
  url: string;
  dataDir: string;
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /**
   * SQLite: WAL pages between automatic checkpoints (`wal_autocheckpoint`, SQLite's default 1,000).
   * A checkpoint copies every page changed since the last one back into the database file and syncs
   * it, on the thread that commits: a page changed by many commits is copied once per checkpoint, so
   * spacing them out saves work when writes are spread over many chats (see docs/performance.md).
   */
  sqliteCheckpointPages?: number;
}

export interface Database<DB> {
  db: Kysely<DB>;
  dialect: Dialect;
  close(): Promise<void>;
  /** SQLite only: a consistent online copy of the database file (safe while the server runs). */
  backup?(destination: string): Promise<void>;
}

// int8 (bigint) columns hold millisecond timestamps and counters that fit in a double.
pg.types.setTypeParser(20, (v: string) => Number(v));

export function openDatabase<DB>(opts: DatabaseOptions): Database<DB> {
  if (/^postgres(ql)?:\/\//.test(opts.url)) {
    const pool = new pg.Pool({ connectionString: opts.url, max: 10 });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  const file = opts.url.startsWith('sqlite:') ? opts.url.slice('sqlite:'.length) : path.join(opts.dataDir, 'parley.db');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${opts.sqliteSynchronous ?? 'FULL'}`);
  sqlite.pragma(`wal_autocheckpoint = ${Math.trunc(opts.sqliteCheckpointPages ?? 10_000)}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const watches = new WriteWatches();
  const cached = withStatementCache(sqlite, watches);
  const dialect = new FifoSqliteDialect({ database: cached });
  const db = new Kysely<DB>({ dialect });
  const walMode = String(sqlite.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
  const reader = walMode ? openReader(file) : undefined;
  const native = {
    prepare: cached.prepare,
    pragma: (source: string) => sqlite.pragma(source),
    inTransaction: () => sqlite.inTransaction,
    waitingForConnection: () => dialect.waiting(),
    watches,
    ...(walMode && (opts.sqliteSynchronous ?? 'FULL') === 'FULL' ? { walPath: `${path.resolve(file)}-wal` } : {}),
    ...(reader ? { reader } : {}),
  };
  registerNativeDatabase(db, native);
  return {
    db,
    dialect: 'sqlite',
    close: async () => {
      closeWal(native);
      reader?.close();
      await db.destroy();
    },
    backup: async (destination) => {
      await sqlite.backup(destination);
    },
  };
}

/** The read-only second connection of a WAL database (see NativeSqlite.reader), with its own statement cache. */
function openReader(file: string): { prepare(sql: string): SQLite.Statement; close(): void } {
  const sqlite = new SQLite(file);
  sqlite.pragma('query_only = 1');
  sqlite.pragma('busy_timeout = 5000');
  return statementCache(sqlite, 500);
}

/**
 * Kysely prepares a statement for every query; preparing costs more than running a small one.
 * Cache prepared statements by SQL text (queries are parameterised, so the set is bounded).
 * Every statement, Kysely's or native, passes here before it runs: `watches` drops the caches a
 * write may make stale (see WriteWatches).
 */
function withStatementCache(sqlite: SQLite.Database, watches: WriteWatches): SqliteDatabase & { prepare(sql: string): SQLite.Statement } {
  return statementCache(sqlite, 2000, (sql) => watches.seen(sql));
}

/** Statements of `sqlite` prepared once per SQL text (at most `max` kept); `seen` hears every SQL text before it is used. */
function statementCache(sqlite: SQLite.Database, max: number, seen?: (sql: string) => void): { prepare(sql: string): SQLite.Statement; close(): void } {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      seen?.(sql);
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        if (cache.size >= max) cache.clear();
        cache.set(sql, stmt);
      }
      return stmt;
    },
    close: () => {
      cache.clear();
      sqlite.close();
    },
  };
}

/**
 * Kysely's SQLite driver serialises queries on its one connection with a mutex that wakes every
 * waiter at each release (all but one wait again): with thousands of reads queued behind the write
 * queue — clients reconnecting all at once after a restart — that is quadratic. This driver hands
 * the connection to the waiters one by one, in the order they asked.
 */
class FifoSqliteDriver extends SqliteDriver {
  private busy = false;
  private readonly waiters: (() => void)[] = [];

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (this.busy) await new Promise<void>((resolve) => this.waiters.push(resolve));
    else this.busy = true;
    // Ours now: Kysely's own mutex inside is free.
    return super.acquireConnection();
  }

  /** Callers waiting for the connection. */
  waiting(): number {
    return this.waiters.length;
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    const next = this.waiters.shift();
    // Handed over while still busy, so nobody who asks meanwhile jumps the queue.
    if (next) next();
    else this.busy = false;
  }
}

class FifoSqliteDialect extends SqliteDialect {
  private driver: FifoSqliteDriver | undefined;

  constructor(private readonly config: SqliteDialectConfig) {
    super(config);
  }

  override createDriver(): Driver {
    return (this.driver = new FifoSqliteDriver(this.config));
  }

  /** Callers waiting for the connection (0 before Kysely created its driver). */
  waiting(): number {
    return this.driver?.waiting() ?? 0;
  }
}
