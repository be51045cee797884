/**
 * @module platform/db/write-queue
 * Group commit: every write operation is queued and the queue runs all operations that arrived
 * during one event-loop turn in a single transaction, so one commit (one fsync) covers many
 * messages. An operation's promise settles only after its transaction committed, and the events
 * it emitted are handed to `onCommit` only then: no client hears of a write that was rolled back.
 *
 * If a batch fails, each of its operations is run again alone in its own transaction, so one bad
 * operation never takes the others down. Operations must therefore be safe to run again from the
 * start (they re-read what they need inside the transaction).
 */
import type { Kysely, Transaction } from 'kysely';
import { commitNativeTx, DurabilityError, nativeDatabase, registerNativeTx, syncWal, type NativeSqlite, type NativeState, type NativeTx } from './native.js';

export type Emit<E> = (event: E) => void;
export type WriteOp<DB, E, R> = (tx: Transaction<DB>, emit: Emit<E>) => Promise<R>;

interface Pending<DB, E> {
  op: WriteOp<DB, E, unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export interface WriteQueueOptions<E> {
  onCommit(events: E[]): void;
  /** Largest number of operations in one transaction. */
  maxBatch?: number;
  /** Called with the size of each committed batch (metrics). */
  onBatch?(size: number): void;
}

export class WriteQueue<DB, E> {
  private queue: Pending<DB, E>[] = [];
  private running = false;
  private scheduled = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly maxBatch: number;
  /** SQLite: the native connection (fast path, see ./native.ts) and the state kept in memory for it. */
  private readonly native: NativeSqlite | undefined;
  private readonly nativeState: NativeState = { committed: new Map() };

  constructor(
    private readonly db: Kysely<DB>,
    private readonly opts: WriteQueueOptions<E>,
  ) {
    this.maxBatch = opts.maxBatch ?? 512;
    this.native = nativeDatabase(db);
  }

  /** Run `body` in one transaction; on SQLite it is registered for the native fast path. */
  private async transaction<R>(body: (tx: Transaction<DB>) => Promise<R>): Promise<R> {
    const native = this.native;
    if (!native) return this.db.transaction().execute(body);
    let t: NativeTx | undefined;
    const run = (db: Kysely<DB>) =>
      db.transaction().execute(async (tx) => {
        t = registerNativeTx(tx, native, this.nativeState);
        const r = await body(tx);
        for (const f of t.beforeCommit.values()) f();
        return r;
      });
    let result: R;
    if (native.walPath === undefined) result = await run(this.db);
    else {
      // Durable commit without an fsync on the event loop (see NativeSqlite.walPath): hold the one
      // connection from BEGIN until the WAL is synced, so no read sees the batch before that.
      result = await this.db.connection().execute(async (conn) => {
        native.pragma('synchronous = NORMAL');
        let r: R;
        try {
          r = await run(conn);
        } finally {
          native.pragma('synchronous = FULL');
        }
        try {
          await syncWal(native);
        } catch (err) {
          // The batch is committed in the file: forget the counters kept in memory; they are read again.
          this.nativeState.committed.clear();
          throw err;
        }
        return r;
      });
    }
    commitNativeTx(t!);
    return result;
  }

  /** Queue a write; resolves with its result after commit. */
  run<R>(op: WriteOp<DB, E, R>): Promise<R> {
    if (this.closed) return Promise.reject(new Error('write queue closed'));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ op: op as WriteOp<DB, E, unknown>, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Resolves once everything queued so far has been committed. */
  async drain(): Promise<void> {
    if (!this.running && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.runBatch(batch);
        // One event-loop turn before the next batch: the frames this batch answered leave first
        // (sockets are uncorked in the check phase) and what arrived meanwhile joins the next batch.
        if (this.queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.schedule();
      else for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async runBatch(batch: Pending<DB, E>[]): Promise<void> {
    if (batch.length === 1) return this.runAlone(batch[0]!);
    const events: E[] = [];
    const results: unknown[] = [];
    try {
      await this.transaction(async (tx) => {
        for (const p of batch) results.push(await p.op(tx, (e) => events.push(e)));
      });
    } catch (err) {
      // Committed but perhaps not durable: running the operations again could apply them twice.
      if (err instanceof DurabilityError) {
        for (const p of batch) p.reject(err);
        return;
      }
      // Isolate the failure: run each operation again on its own.
      for (const p of batch) await this.runAlone(p);
      return;
    }
    this.opts.onBatch?.(batch.length);
    this.publish(events);
    batch.forEach((p, i) => p.resolve(results[i]));
  }

  private async runAlone(p: Pending<DB, E>): Promise<void> {
    const events: E[] = [];
    let result: unknown;
    try {
      result = await this.transaction((tx) => p.op(tx, (e) => events.push(e)));
    } catch (err) {
      p.reject(err);
      return;
    }
    this.opts.onBatch?.(1);
    this.publish(events);
    p.resolve(result);
  }

  private publish(events: E[]): void {
    if (events.length === 0) return;
    try {
      this.opts.onCommit(events);
    } catch {
      // A failing listener must not turn a committed write into a reported failure.
    }
  }
}
