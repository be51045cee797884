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
  let value = t.pending.get(key) ?? t.state.committed.get(key);
  if (value === undefined) {
    value = load();
    if (value === undefined) return undefined;
  }
  value += 1;
  t.pending.set(key, value);
  if (!t.beforeCommit.has(key)) t.beforeCommit.set(key, () => persist(t.pending.get(key)!));
  return value;
}

/**
 * Rows to insert with multi-row INSERTs just before COMMIT (one statement per `chunk` rows instead
 * of one per row). `columns` fixes the column order; every row supplies them all.
 */
export function deferInsert(t: NativeTx, table: string, columns: readonly string[], row: unknown[], chunk = 64): void {
  const key = `insert:${table}`;
  let rows = t.deferred.get(key);
  if (!rows) {
    const list: unknown[][] = [];
    t.deferred.set(key, (rows = list));
    t.beforeCommit.set(key, () => {
      const one = `(${columns.map(() => '?').join(', ')})`;
      const head = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values `;
      for (let i = 0; i < list.length; i += chunk) {
        const part = list.slice(i, i + chunk);
        const stmt = t.sqlite.prepare(head + Array.from({ length: part.length }, () => one).join(', '));
        stmt.run(part.flat());
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
