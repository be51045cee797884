import { describe, expect, it } from 'vitest';
import { ReadCache } from './caches.js';

/** A load that resolves when `release` is called, counting its calls. */
function gatedLoad<V>(value: V | undefined) {
  let calls = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return {
    load: async () => {
      calls++;
      await gate;
      return value;
    },
    release: () => release(),
    calls: () => calls,
  };
}

describe('ReadCache', () => {
  it('concurrent misses of one key share one read, then the value is served from memory', async () => {
    const cache = new ReadCache<string, string>(Number.POSITIVE_INFINITY);
    const g = gatedLoad('acc_1');
    const reads = [cache.through('+33611', g.load), cache.through('+33611', g.load), cache.through('+33611', g.load)];
    g.release();
    expect(await Promise.all(reads)).toEqual(['acc_1', 'acc_1', 'acc_1']);
    expect(g.calls()).toBe(1);
    expect(await cache.through('+33611', g.load)).toBe('acc_1');
    expect(g.calls()).toBe(1);
  });

  it('a read that finds nothing is shared but not kept: the next miss reads again', async () => {
    const cache = new ReadCache<string, string>(Number.POSITIVE_INFINITY);
    const g = gatedLoad<string>(undefined);
    const reads = [cache.through('+33622', g.load), cache.through('+33622', g.load)];
    g.release();
    expect(await Promise.all(reads)).toEqual([undefined, undefined]);
    expect(g.calls()).toBe(1);
    await cache.through('+33622', g.load);
    expect(g.calls()).toBe(2);
  });

  it('a read started before an invalidation is neither joined nor kept by later callers', async () => {
    const cache = new ReadCache<string, string>(Number.POSITIVE_INFINITY);
    const stale = gatedLoad('old');
    const first = cache.through('tok', stale.load);
    cache.invalidate();
    const fresh = gatedLoad('new');
    const second = cache.through('tok', fresh.load);
    stale.release();
    fresh.release();
    expect(await first).toBe('old');
    expect(await second).toBe('new');
    expect([stale.calls(), fresh.calls()]).toEqual([1, 1]);
    expect(cache.get('tok')).toBe('new');
  });

  it('a failed read is not kept: the next call reads again', async () => {
    const cache = new ReadCache<string, string>(Number.POSITIVE_INFINITY);
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('database is locked');
    };
    await expect(cache.through('k', failing)).rejects.toThrow('database is locked');
    expect(await cache.through('k', async () => (calls++, 'v'))).toBe('v');
    expect(calls).toBe(2);
  });
});
