import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { WriteQueue } from '../../src/platform/db/write-queue.js';
import { bumpCounter, deferInsert, nativeTx, type NativeTx } from '../../src/platform/db/native.js';
import { prepared } from '../../src/platform/db/prepared.js';

interface T {
  counters: { name: string; n: number };
  log: { name: string; n: number };
}

/** The SQLite fast path inside write-queue transactions: counters in memory, deferred multi-row inserts. */
describe('native SQLite fast path', () => {
  let database: Database<T>;
  let db: Kysely<T>;
  let q: WriteQueue<T, string>;

  beforeEach(async () => {
    database = openDatabase<T>({ url: 'sqlite::memory:', dataDir: '' });
    db = database.db;
    await sql`create table counters (name text primary key, n integer not null)`.execute(db);
    await sql`create table log (name text not null, n integer not null, primary key (name, n))`.execute(db);
    await db.insertInto('counters').values([{ name: 'a', n: 0 }, { name: 'b', n: 10 }]).execute();
    q = new WriteQueue<T, string>(db, { onCommit: () => undefined });
  });
  afterEach(async () => {
    await q.close();
    await database.close();
  });

  function next(t: NativeTx, name: string): number | undefined {
    return bumpCounter(
      t,
      name,
      () => (t.sqlite.prepare('select n from counters where name = ?').get(name) as { n: number } | undefined)?.n,
      (v) => t.sqlite.prepare('update counters set n = ? where name = ?').run(v, name),
    );
  }
  const append = (name: string) =>
    q.run(async (tx) => {
      const t = nativeTx(tx);
      if (!t) throw new Error('expected the fast path');
      const n = next(t, name);
      if (n === undefined) throw new Error(`no counter ${name}`);
      deferInsert(t, 'log', ['name', 'n'], [name, n], 3);
      return n;
    });
  const counters = async () => Object.fromEntries((await db.selectFrom('counters').selectAll().execute()).map((r) => [r.name, r.n]));

  it('is only offered inside write-queue transactions on SQLite', async () => {
    expect(nativeTx(db)).toBeUndefined();
    await db.transaction().execute(async (tx) => expect(nativeTx(tx)).toBeUndefined());
    expect(await q.run(async (tx) => nativeTx(tx) !== undefined)).toBe(true);
  });

  it('counts in memory, writes counters and rows back before commit, in multi-row inserts', async () => {
    const got = await Promise.all([...Array.from({ length: 7 }, () => append('a')), append('b'), append('b')]);
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7, 11, 12]);
    expect(await counters()).toEqual({ a: 7, b: 12 });
    expect(await db.selectFrom('log').select(['name', 'n']).orderBy('name').orderBy('n').execute()).toHaveLength(9);
    // The next batch continues from the committed values.
    expect(await append('a')).toBe(8);
    expect(await counters()).toEqual({ a: 8, b: 12 });
  });

  it('forgets what a failed batch counted: the re-run ops count again from the committed values', async () => {
    await append('a');
    const ops = [append('a'), append('nobody'), append('a')];
    const settled = await Promise.allSettled(ops);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : null))).toEqual([2, null, 3]);
    expect(await counters()).toEqual({ a: 3, b: 10 });
    expect((await db.selectFrom('log').select('n').where('name', '=', 'a').orderBy('n').execute()).map((r) => r.n)).toEqual([1, 2, 3]);
  });

  it('a deferred insert that fails at commit fails its operation alone and leaves the counter untouched', async () => {
    await db.insertInto('log').values({ name: 'b', n: 11 }).execute();
    const settled = await Promise.allSettled([append('a'), append('b')]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected']);
    expect(await counters()).toEqual({ a: 1, b: 10 });
    expect(await append('a')).toBe(2);
  });

  it('prepared queries run natively inside the transaction and roll back with it', async () => {
    const bump = prepared((d: Kysely<T>, p) =>
      d
        .updateTable('counters')
        .set((eb) => ({ n: eb('n', '+', 1) }))
        .where('name', '=', p('name'))
        .returning('n'),
    );
    expect(await q.run((tx) => bump(tx, { name: 'b' }))).toEqual([{ n: 11 }]);
    await expect(
      q.run(async (tx) => {
        await bump(tx, { name: 'b' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await counters()).toEqual({ a: 0, b: 11 });
  });
});
