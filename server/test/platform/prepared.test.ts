import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { prepared, preparedWrite } from '../../src/platform/db/prepared.js';
import { WriteQueue } from '../../src/platform/db/write-queue.js';

interface T {
  counters: { name: string; n: number; step: number };
}

describe('prepared queries', () => {
  let database: Database<T>;
  let db: Kysely<T>;
  beforeEach(async () => {
    database = openDatabase<T>({ url: 'sqlite::memory:', dataDir: '' });
    db = database.db;
    await sql`create table counters (name text primary key, n integer not null, step integer not null)`.execute(db);
    await db.insertInto('counters').values([{ name: 'a', n: 0, step: 1 }, { name: 'b', n: 10, step: 5 }]).execute();
  });
  afterEach(() => database.close());

  const bump = prepared((d: Kysely<T>, p) =>
    d
      .updateTable('counters')
      .set((eb) => ({ n: eb('n', '+', 2) }))
      .where('name', '=', p('name'))
      .returning(['name', 'n']),
  );

  it('fills named parameters and keeps constants, call after call', async () => {
    expect(await bump(db, { name: 'a' })).toEqual([{ name: 'a', n: 2 }]);
    expect(await bump(db, { name: 'b' })).toEqual([{ name: 'b', n: 12 }]);
    expect(await bump(db, { name: 'a' })).toEqual([{ name: 'a', n: 4 }]);
    expect(await bump(db, { name: 'nobody' })).toEqual([]);
  });

  it('runs inside a transaction and rolls back with it', async () => {
    await expect(
      db.transaction().execute(async (tx) => {
        await bump(tx, { name: 'a' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await db.selectFrom('counters').select('n').where('name', '=', 'a').executeTakeFirstOrThrow()).n).toBe(0);
  });

  const insertOnce = preparedWrite((d: Kysely<T>, p) =>
    d
      .insertInto('counters')
      .values({ name: p('name'), n: 0, step: 1 })
      .onConflict((oc) => oc.column('name').doNothing()),
  );

  it('a prepared write resolves with the rows it changed, through Kysely and on the native path of a write-queue transaction', async () => {
    expect(await insertOnce(db, { name: 'c' })).toBe(1);
    expect(await insertOnce(db, { name: 'c' })).toBe(0);
    const q = new WriteQueue<T, never>(db, { onCommit: () => undefined });
    expect(await q.run((tx) => Promise.all([insertOnce(tx, { name: 'd' }), insertOnce(tx, { name: 'a' })]))).toEqual([1, 0]);
    await q.close();
    expect((await db.selectFrom('counters').select('name').orderBy('name').execute()).map((r) => r.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('`.now` runs the statement without an await in a write-queue transaction on SQLite, and refuses to run anywhere else', async () => {
    const q = new WriteQueue<T, never>(db, { onCommit: () => undefined });
    const seen = await q.run(async (tx) => {
      const rows = bump.now(tx, { name: 'b' });
      const inserted = insertOnce.now(tx, { name: 'e' }) + insertOnce.now(tx, { name: 'e' });
      return { rows, inserted };
    });
    await q.close();
    expect(seen).toEqual({ rows: [{ name: 'b', n: 12 }], inserted: 1 });
    expect((await db.selectFrom('counters').select('name').where('name', '=', 'e').execute()).length).toBe(1);
    // Outside the write queue (a plain connection or a Kysely transaction) there is no native path.
    expect(() => bump.now(db, { name: 'a' })).toThrow(/not in a write-queue transaction/);
    await db.transaction().execute(async (tx) => {
      expect(() => insertOnce.now(tx, { name: 'f' })).toThrow(/not in a write-queue transaction/);
    });
    expect((await db.selectFrom('counters').select('n').where('name', '=', 'a').executeTakeFirstOrThrow()).n).toBe(0);
  });

  it('refuses a call that lacks a parameter', async () => {
    await expect(bump(db, {})).rejects.toThrow(/missing parameter "name"/);
  });
});
