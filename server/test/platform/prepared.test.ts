import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { prepared, preparedWrite } from '../../src/platform/db/prepared.js';
import { nativeDatabase } from '../../src/platform/db/native.js';
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

  it('`.ahead` reads a file database at once while the write queue holds the connection, seeing what was committed and nothing uncommitted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-ahead-'));
    const file = openDatabase<T>({ url: '', dataDir: dir });
    try {
      const fdb = file.db;
      await sql`create table counters (name text primary key, n integer not null, step integer not null)`.execute(fdb);
      await fdb.insertInto('counters').values({ name: 'a', n: 1, step: 1 }).execute();
      const byName = prepared((d: Kysely<T>, p) => d.selectFrom('counters').select(['name', 'n']).where('name', '=', p('name')));
      const q = new WriteQueue<T, never>(fdb, { onCommit: () => undefined });
      // Which connection answers: the reader only while the main one has a transaction open.
      const readerPrepares = vi.spyOn(nativeDatabase(fdb)!.reader!, 'prepare');
      expect(await byName.ahead(fdb, { name: 'a' })).toEqual([{ name: 'a', n: 1 }]);
      expect(readerPrepares).not.toHaveBeenCalled();
      // A write that holds its transaction open (and with it the connection) until released.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inside!: () => void;
      const started = new Promise<void>((resolve) => (inside = resolve));
      const write = q.run(async (tx) => {
        await bump(tx, { name: 'a' });
        inside();
        await held;
      });
      await started;
      // Through Kysely the read would wait for the write queue; `.ahead` answers now, without the uncommitted change.
      let kyselyRead = false;
      const waiting = byName(fdb, { name: 'a' }).then((rows) => ((kyselyRead = true), rows));
      expect(await byName.ahead(fdb, { name: 'a' })).toEqual([{ name: 'a', n: 1 }]);
      expect(kyselyRead).toBe(false);
      expect(readerPrepares).toHaveBeenCalledTimes(1);
      release();
      await write;
      expect(await waiting).toEqual([{ name: 'a', n: 3 }]);
      expect(await byName.ahead(fdb, { name: 'a' })).toEqual([{ name: 'a', n: 3 }]);
      expect(readerPrepares).toHaveBeenCalledTimes(1);
      readerPrepares.mockRestore();
      // Inside a write-queue transaction it is the transaction's own read.
      expect(await q.run(async (tx) => (await bump(tx, { name: 'a' }), byName.ahead(tx, { name: 'a' })))).toEqual([{ name: 'a', n: 5 }]);
      // Only for reads: the reader connection cannot write.
      await expect(bump.ahead(fdb, { name: 'a' })).rejects.toThrow(/only for queries that return rows without writing|readonly|query_only/i);
      await q.close();
    } finally {
      await file.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`.ahead` is an ordinary read where there is no reader connection (an in-memory database)', async () => {
    const byName = prepared((d: Kysely<T>, p) => d.selectFrom('counters').select('n').where('name', '=', p('name')));
    expect(await byName.ahead(db, { name: 'b' })).toEqual([{ n: 10 }]);
  });
});
