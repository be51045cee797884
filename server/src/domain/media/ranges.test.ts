import { describe, expect, it } from 'vitest';
import { etagOf, noneMatchHits, resolveRange } from './ranges.js';

const unsatisfiable = (header: string, size: number) => {
  try {
    resolveRange(header, size);
  } catch (e) {
    return (e as { code: string; details: unknown }).code === 'RANGE_NOT_SATISFIABLE' && (e as { details: { size: number } }).details.size === size;
  }
  return false;
};

describe('byte ranges', () => {
  it('resolves the three single-range forms', () => {
    expect(resolveRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(resolveRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(resolveRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(resolveRange('Bytes = 5-5', 100)).toEqual({ start: 5, end: 5 });
  });

  it('clamps an end past the file and a suffix longer than it', () => {
    expect(resolveRange('bytes=95-500', 100)).toEqual({ start: 95, end: 99 });
    expect(resolveRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(resolveRange('bytes=0-99999999999999999999', 100)).toEqual({ start: 0, end: 99 });
  });

  it('is unsatisfiable from the end of the file on, and for an empty suffix', () => {
    expect(unsatisfiable('bytes=100-', 100)).toBe(true);
    expect(unsatisfiable('bytes=100-200', 100)).toBe(true);
    expect(unsatisfiable('bytes=-0', 100)).toBe(true);
    expect(unsatisfiable('bytes=0-', 0)).toBe(true);
    expect(unsatisfiable('bytes=-5', 0)).toBe(true);
  });

  it('ignores what it does not serve: no header, bad syntax, other units, several ranges', () => {
    for (const h of [undefined, '', 'bytes=', 'bytes=a-b', 'bytes=5-2', 'bytes=1-2-3', 'items=0-1', 'bytes=0-1,3-4', 'bytes=--1']) {
      expect(resolveRange(h, 100), String(h)).toBeNull();
    }
  });

  it('honours If-Range only with the current entity tag', () => {
    const etag = etagOf('ab'.repeat(32));
    expect(resolveRange('bytes=0-1', 100, { ifRange: etag, etag })).toEqual({ start: 0, end: 1 });
    expect(resolveRange('bytes=0-1', 100, { ifRange: '"other"', etag })).toBeNull();
    expect(resolveRange('bytes=0-1', 100, { ifRange: 'Wed, 21 Oct 2015 07:28:00 GMT', etag })).toBeNull();
    expect(resolveRange('bytes=0-1', 100, { ifRange: undefined, etag })).toEqual({ start: 0, end: 1 });
  });

  it('matches If-None-Match weakly, in lists and with *', () => {
    const etag = '"abc"';
    expect(noneMatchHits('"abc"', etag)).toBe(true);
    expect(noneMatchHits('W/"abc"', etag)).toBe(true);
    expect(noneMatchHits('"x", "abc"', etag)).toBe(true);
    expect(noneMatchHits('*', etag)).toBe(true);
    expect(noneMatchHits('"x"', etag)).toBe(false);
    expect(noneMatchHits(undefined, etag)).toBe(false);
  });
});
