/**
 * @module platform/db/native
 * The SQLite fast path. better-sqlite3 is synchronous; going through Kysely costs, for every
 * statement, a query executor pass, a connection-mutex hop and several promise turns — more than
 * running a small prepared statement. Inside a write-queue transaction the connection is ours
 * (SQLite has one connection, held by the transaction until COMMIT), so hot statements can run
 * directly on the native handle, synchronously, and still be part of that transaction.
 *
 * Only transactions opened by the write queue are registered; anything else (PostgreSQL, a
 * transaction a test opens itself, `ctx.db` outside a transaction) gets `undefined` and takes the
 * Kysely path. Never run native statements outside a registered transaction: another operation
 * may be half-way through its own transaction on the same connection.
 */
import fs from 'node:fs';
import type { Statement } from 'better-sqlite3';

/** A native SQLite connection with a statement cache. */
export interface NativeSqlite {
  prepare(sql: string): Statement;
  /**
   * Set for a file database in WAL mode with synchronous=FULL: the path of its WAL file. The write
   * queue then commits its transactions with synchronous=NORMAL (no fsync on the event loop) and
   * makes them durable with an fdatasync of the WAL file in libuv's thread pool — what FULL does
   * in WAL mode — while it still holds the connection, so nothing reads a commit before it is
   * durable (see {@link syncWal}).
   */
  walPath?: string;
  pragma(source: string): unknown;
  /**
   * Set for a file database in WAL mode: a second connection that only reads (`query_only`), for
   * the reads a request makes before its own write while the main connection has a transaction
   * open (see `prepared(...).ahead`). It does not wait for the write queue; it sees every
   * committed transaction, including one whose fsync is still under way — harmless for a read whose
   * answer is acknowledged only after a later fsync, which covers that transaction too (the WAL is
   * written in order).
   */
  reader?: { prepare(sql: string): Statement };
  /** Whether this connection has a transaction open (a write-queue batch under way). */
  inTransaction(): boolean;
  /** How many callers wait for the connection (reads and transactions outside the write queue). */
  waitingForConnection(): number;
  /** Caches that statements writing their table drop (see {@link watchedCache}). */
  watches: WriteWatches;
}

/**
 * In-memory copies of rarely changing rows (an account's read-receipts setting, the blocks between
 * two people) for the SQLite fast path, so the per-message path need not read them. Correct without
 * the writers' help: every statement prepared on the connection passes through {@link WriteWatches.seen}
 * (the statement cache of platform/db/database.ts), and one that may write a watched table — the
 * domain's, a test's, a migration's — empties that table's caches before it runs; a rollback
 * empties them all (a value read inside the rolled-back transaction may have been undone). SQLite
 * has one writer, this process, so nothing else can change the rows behind the cache.
 */
export class WriteWatches {
  private readonly caches: { table: string; columns: readonly string[] | undefined; map: Map<string, unknown> }[] = [];
  private readonly byName = new Map<string, Map<string, unknown>>();
  /** Per statement text: the caches it empties (memoized; reset when a cache is added). */
  private readonly hits = new Map<string, Map<string, unknown>[]>();

  /** The cache `name`, emptied by writes to `table` (only writes naming one of `columns`, for updates, when given). */
  cache<V>(name: string, table: string, columns?: readonly string[]): Map<string, V> {
    let map = this.byName.get(name);
    if (!map) {
      map = new Map();
      this.byName.set(name, map);
      this.caches.push({ table, columns, map });
      this.hits.clear();
    }
    return map as Map<string, V>;
  }

  /** Called for every statement about to run on the connection. */
  seen(sql: string): void {
    if (this.caches.length === 0) return;
    let hit = this.hits.get(sql);
    if (hit === undefined) {
      hit = this.affected(sql);
      if (this.hits.size >= 5000) this.hits.clear();
      this.hits.set(sql, hit);
    }
    for (const map of hit) map.clear();
  }

  private affected(sql: string): Map<string, unknown>[] {
    const head = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? '';
    if (head === 'rollback') return this.caches.map((c) => c.map);
    if (['select', 'pragma', 'begin', 'commit', 'end', 'savepoint', 'release', 'explain'].includes(head)) return [];
    const lower = sql.toLowerCase();
    return this.caches
      .filter((c) => lower.includes(`"${c.table}"`) || new RegExp(`\\b${c.table}\\b`).test(lower))
      .filter((c) => head !== 'update' || !c.columns || c.columns.some((col) => lower.includes(col)))
      .map((c) => c.map);
  }
}

/** A cache kept by {@link WriteWatches} on the transaction's connection (SQLite fast path only), bounded to `max` entries. */
export function watchedCache<V>(t: NativeTx, name: string, table: string, columns?: readonly string[], max = 100_000): Map<string, V> {
  const map = t.sqlite.watches.cache<V>(name, table, columns);
  if (map.size >= max) map.clear();
  return map;
}

/** Per-transaction state of the fast path: the connection and what commits with the transaction. */
export interface NativeTx {
  sqlite: NativeSqlite;
  /** The per-database caches the write queue keeps (see {@link NativeState}). */
  state: NativeState;
  /** Values to store into `state` once the transaction commits (dropped on rollback). */
  pending: Map<string, number>;
  /** Statements to run just before COMMIT (e.g. persisting counters kept in memory during the batch). */
  beforeCommit: Map<string, () => void>;
  /** Rows waiting for a multi-row insert before COMMIT, by table. */
  deferred: Map<string, unknown[][]>;
  /** Values that live only as long as the transaction (never committed to `state`). */
  scratch: Map<string, number>;
}

/**
 * In-memory state of one database that is only valid because SQLite has a single writer: the
 * write queue. Keys are namespaced strings (`u:<accountId>` = the account's update_seq …).
 */
export interface NativeState {
  committed: Map<string, number>;
}

const connections = new WeakMap<object, NativeSqlite>();
const transactions = new WeakMap<object, NativeTx>();

/** Called by openDatabase for an SQLite database: `db` is the Kysely instance. */
export function registerNativeDatabase(db: object, sqlite: NativeSqlite): void {
  connections.set(db, sqlite);
}

/** The native connection behind a Kysely instance (SQLite only). */
export function nativeDatabase(db: object): NativeSqlite | undefined {
  return connections.get(db);
}

/** Called by the write queue when it opened a transaction on a native connection. */
export function registerNativeTx(tx: object, sqlite: NativeSqlite, state: NativeState): NativeTx {
  const t: NativeTx = { sqlite, state, pending: new Map(), beforeCommit: new Map(), deferred: new Map(), scratch: new Map() };
  transactions.set(tx, t);
  return t;
}

/** The fast path of a transaction, if it has one (a write-queue transaction on SQLite). */
export function nativeTx(tx: object): NativeTx | undefined {
  return transactions.get(tx);
}

/** A value as of this transaction: what it set, else what was committed. */
export function txValue(t: NativeTx, key: string): number | undefined {
  return t.pending.get(key) ?? t.state.committed.get(key);
}

/** Called by the write queue after COMMIT succeeded. */
export function commitNativeTx(t: NativeTx): void {
  const committed = t.state.committed;
  if (committed.size > 500_000) committed.clear();
  for (const [k, v] of t.pending) committed.set(k, v);
  t.pending.clear();
}

/**
 * The next value of a counter kept in memory during the batch (e.g. an account's update_seq):
 * loaded once (`load`, from the database, when not cached), incremented in memory, and written
 * back once per transaction by `persist` just before COMMIT. Returns undefined when `load` finds
 * no row.
 */
export function bumpCounter(t: NativeTx, key: string, load: () => number | undefined, persist: (value: number) => void): number | undefined {
  const value = peekCounter(t, key, load);
  if (value !== undefined) takeCounter(t, key, value, persist);
  return value;
}

/** The value {@link bumpCounter} would return, without taking it (see {@link takeCounter}). */
export function peekCounter(t: NativeTx, key: string, load: () => number | undefined): number | undefined {
  const value = t.pending.get(key) ?? t.state.committed.get(key) ?? load();
  return value === undefined ? undefined : value + 1;
}

/** Take `value`, returned by {@link peekCounter} just before, as the counter's new value (written back by `persist` before COMMIT). */
export function takeCounter(t: NativeTx, key: string, value: number, persist: (value: number) => void): void {
  t.pending.set(key, value);
  if (!t.beforeCommit.has(key)) t.beforeCommit.set(key, () => persist(t.pending.get(key)!));
}

/** Multi-row INSERT texts by table and columns, then by number of rows (built once: the same text is the statement cache's key). */
const multiRowInserts = new Map<string, string[]>();

function multiRowInsert(table: string, columns: readonly string[], rows: number): string {
  const key = `${table}(${columns.join(',')})`;
  let texts = multiRowInserts.get(key);
  if (!texts) multiRowInserts.set(key, (texts = []));
  let text = texts[rows];
  if (text === undefined) {
    const one = `(${columns.map(() => '?').join(', ')})`;
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${Array.from({ length: rows }, () => one).join(', ')}`;
    texts[rows] = text;
  }
  return text;
}

/**
 * Rows to insert with multi-row INSERTs just before COMMIT (one statement per `chunk` rows instead
 * of one per row). `columns` fixes the column order; every row supplies them all.
 */
export function deferInsert(t: NativeTx, table: string, columns: readonly string[], row: unknown[], chunk = 64): void {
  let rows = t.deferred.get(table);
  if (!rows) {
    const list: unknown[][] = [];
    t.deferred.set(table, (rows = list));
    t.beforeCommit.set(`insert:${table}`, () => {
      const width = columns.length;
      for (let i = 0; i < list.length; i += chunk) {
        const n = Math.min(chunk, list.length - i);
        const params = new Array<unknown>(n * width);
        for (let r = 0; r < n; r++) {
          const values = list[i + r]!;
          for (let c = 0; c < width; c++) params[r * width + c] = values[c];
        }
        t.sqlite.prepare(multiRowInsert(table, columns, n)).run(params);
      }
    });
  }
  rows.push(row);
}

/** A failed fsync: the batch may or may not be durable, so its operations are not run again. */
export class DurabilityError extends Error {}

const walFds = new WeakMap<NativeSqlite, { fd: number; ino: number }>();

/** fdatasync the WAL file of `sqlite` off the event loop (reopening it if SQLite replaced the file). */
export async function syncWal(sqlite: NativeSqlite): Promise<void> {
  const walPath = sqlite.walPath!;
  try {
    let open = walFds.get(sqlite);
    const ino = fs.statSync(walPath).ino;
    if (!open || open.ino !== ino) {
      if (open) fs.closeSync(open.fd);
      const fd = fs.openSync(walPath, 'r');
      open = { fd, ino: fs.fstatSync(fd).ino };
      walFds.set(sqlite, open);
    }
    const fd = open.fd;
    await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  } catch (err) {
    throw new DurabilityError(`fsync of the SQLite WAL failed: ${(err as Error).message}`, { cause: err });
  }
}

/** Close the WAL file descriptor kept by {@link syncWal}. */
export function closeWal(sqlite: NativeSqlite): void {
  const open = walFds.get(sqlite);
  if (open) fs.closeSync(open.fd);
  walFds.delete(sqlite);
}
