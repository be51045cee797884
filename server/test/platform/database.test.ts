import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../../src/platform/db/database.js';

describe.skipIf(process.env.PARLEY_TEST_DB === 'postgres')('the SQLite connection', () => {
  it('goes to queued queries one by one, in the order they asked, and to none while it is held', async () => {
    const database = openDatabase<Record<string, never>>({ url: 'sqlite::memory:', dataDir: '' });
    try {
      const db = database.db;
      const order: number[] = [];
      let release!: () => void;
      let heldDone = false;
      const held = db.connection().execute(async () => {
        await new Promise<void>((resolve) => (release = resolve));
        heldDone = true;
      });
      await new Promise((r) => setImmediate(r));
      const reads = Array.from({ length: 3000 }, (_, i) =>
        sql<{ i: number }>`select ${i} as i`.execute(db).then((r) => {
          expect(heldDone).toBe(true);
          order.push(r.rows[0]!.i);
        }),
      );
      await new Promise((r) => setTimeout(r, 20));
      expect(order).toEqual([]); // nothing ran while the connection was held
      release();
      await held;
      await Promise.all(reads);
      expect(order).toEqual(Array.from({ length: 3000 }, (_, i) => i));
      // And it is free again afterwards.
      expect((await sql<{ n: number }>`select 1 as n`.execute(db)).rows[0]!.n).toBe(1);
    } finally {
      await database.close();
    }
  });
});
