/**
 * @module platform/db/prepared
 * Precompiled queries for hot paths. A query is built once with Kysely — with named
 * placeholders where the values go — and compiled once per dialect; each call then only fills in
 * the parameters and runs the SQL on the given connection or transaction. This skips building
 * and compiling the query tree on every call, which costs more than running a small statement.
 *
 * Only for queries whose SQL does not depend on the values (no `in (…)` lists of varying length).
 * Inside a write-queue transaction on SQLite the statement runs synchronously on the native
 * connection (./native.ts), skipping Kysely's executor altogether.
 *
 * @example
 * const bumpSeq = prepared((db, p) =>
 *   db.updateTable('chats').set((eb) => ({ last_seq: eb('last_seq', '+', 1) })).where('id', '=', p('chatId')).returning('last_seq'));
 * const [row] = await bumpSeq(tx, { chatId });
 */
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import { nativeDatabase, nativeTx } from './native.js';

const SENTINEL = '\u0000parley-param:';

/** A placeholder for a named parameter. Typed `never` so it fits any column. */
export type Placeholder = (name: string) => never;

interface Template {
  sql: string;
  query: CompiledQuery['query'];
  /** For each parameter position: the name to fill in, or (name undefined) a constant. */
  slots: { name: string | undefined; value: unknown }[];
}

/** Compiles the query once per dialect and fills in a call's parameters. */
function compiler<DB>(build: (db: Kysely<DB>, p: Placeholder) => Compilable<unknown>) {
  const templates = new Map<unknown, Template>();
  return (db: Kysely<DB>, params: Record<string, unknown>): { t: Template; parameters: unknown[] } => {
    const adapter = db.getExecutor().adapter.constructor;
    let t = templates.get(adapter);
    if (!t) {
      const compiled = build(db, ((name: string) => `${SENTINEL}${name}`) as Placeholder).compile();
      t = {
        sql: compiled.sql,
        query: compiled.query,
        slots: compiled.parameters.map((v) => (typeof v === 'string' && v.startsWith(SENTINEL) ? { name: v.slice(SENTINEL.length), value: undefined } : { name: undefined, value: v })),
      };
      templates.set(adapter, t);
    }
    const slots = t.slots;
    const parameters = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const { name, value } = slots[i]!;
      if (name === undefined) parameters[i] = value;
      else {
        const v = params[name];
        if (v === undefined && !(name in params)) throw new Error(`prepared query: missing parameter "${name}"`);
        parameters[i] = v;
      }
    }
    return { t, parameters };
  };
}

function execute<Row>(db: Kysely<unknown>, t: Template, parameters: unknown[]) {
  return db.executeQuery<Row>({ sql: t.sql, parameters, query: t.query, queryId: { queryId: 'prepared' } } as unknown as CompiledQuery<Row>);
}

/**
 * A prepared query: `run(db, params)` resolves with its rows. `run.now(tx, params)` is the same
 * query without an await, for a write-queue transaction on SQLite (`nativeTx(tx)` set; it throws
 * elsewhere): hot paths that know they are there save a promise and a microtask per statement.
 */
export function prepared<DB, Row>(build: (db: Kysely<DB>, p: Placeholder) => Compilable<Row>) {
  const compile = compiler(build);
  const now = (db: Kysely<DB>, params: Record<string, unknown>): Row[] => {
    const native = nativeTx(db);
    if (!native) throw new Error('prepared.now: not in a write-queue transaction on SQLite');
    const { t, parameters } = compile(db, params);
    const stmt = native.sqlite.prepare(t.sql);
    return stmt.reader ? (stmt.all(parameters) as Row[]) : (stmt.run(parameters), []);
  };
  const run = async (db: Kysely<DB>, params: Record<string, unknown>): Promise<Row[]> => {
    // Inside a write-queue transaction on SQLite: run the statement directly (see ./native.ts).
    if (nativeTx(db)) return now(db, params);
    const { t, parameters } = compile(db, params);
    return (await execute<Row>(db as Kysely<unknown>, t, parameters)).rows;
  };
  /**
   * A read made ahead of the caller's own write, whose answer is acknowledged only once that write
   * is durable (the policy and lookups before a send): on a SQLite WAL database, outside a
   * transaction, it runs at once instead of waiting for the write queue to let go of the main
   * connection — on that connection itself when it has no transaction open (the queue is between
   * batches or waiting for an fsync; its page cache is warm), else on the reader connection, which
   * never sees a batch's uncommitted writes. Either may see a commit whose fsync is still under
   * way (see NativeSqlite.reader). Anywhere else it is `run`. Not for answers sent without a write
   * of the caller's (a client must not see what a crash could still take back).
   */
  const ahead = async (db: Kysely<DB>, params: Record<string, unknown>): Promise<Row[]> => {
    const native = nativeTx(db) ? undefined : nativeDatabase(db);
    if (!native?.reader) return run(db, params);
    const { t, parameters } = compile(db, params);
    // The reader's page cache is dropped whenever the database changed since its last read (every
    // batch), so each of its reads fetches its pages again; the main connection keeps its cache.
    const stmt = (native.inTransaction() ? native.reader : native).prepare(t.sql);
    if (!stmt.reader || !stmt.readonly) throw new Error('prepared.ahead: only for queries that return rows without writing');
    return stmt.all(parameters) as Row[];
  };
  return Object.assign(run, { now, ahead });
}

/**
 * A prepared write (without RETURNING) that resolves with the number of rows it inserted, updated
 * or deleted; `.now(tx, params)` as for {@link prepared}.
 */
export function preparedWrite<DB>(build: (db: Kysely<DB>, p: Placeholder) => Compilable<unknown>) {
  const compile = compiler(build);
  const now = (db: Kysely<DB>, params: Record<string, unknown>): number => {
    const native = nativeTx(db);
    if (!native) throw new Error('preparedWrite.now: not in a write-queue transaction on SQLite');
    const { t, parameters } = compile(db, params);
    return native.sqlite.prepare(t.sql).run(parameters).changes;
  };
  const run = async (db: Kysely<DB>, params: Record<string, unknown>): Promise<number> => {
    if (nativeTx(db)) return now(db, params);
    const { t, parameters } = compile(db, params);
    return Number((await execute(db as Kysely<unknown>, t, parameters)).numAffectedRows ?? 0);
  };
  return Object.assign(run, { now });
}
