/**
 * @module domain/media/ranges
 * Byte ranges and validators for delivering stored media (RFC 9110 §13–14): which part of a blob a
 * request asks for, and whether the client's cached copy is current. Pure functions; the route
 * turns the results into status codes and headers.
 */
import { AppError } from '../../errors.js';

/** An inclusive byte range, as in `Content-Range: bytes start-end/size`. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The strong entity tag of a blob: its SHA-256, quoted. */
export function etagOf(sha256: string): string {
  return `"${sha256}"`;
}

/** If-None-Match (weak comparison): true when the client already holds this representation. */
export function noneMatchHits(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/**
 * The part of a `size`-byte blob that a Range header asks for.
 *
 * Returns null when the whole blob should be sent: no header, a unit other than bytes, a header that
 * is not valid, several ranges (we serve single ranges only; ignoring Range is allowed), or an
 * If-Range that does not name the current entity tag. Throws RANGE_NOT_SATISFIABLE (details.size)
 * when the single range lies outside the blob.
 *
 * @example resolveRange('bytes=-500', 1000) // → { start: 500, end: 999 }
 */
export function resolveRange(header: string | undefined, size: number, validator?: { ifRange: string | undefined; etag: string }): ByteRange | null {
  if (!header) return null;
  if (validator?.ifRange !== undefined && validator.ifRange.trim() !== validator.etag) return null;
  const m = /^\s*bytes\s*=(.*)$/i.exec(header);
  if (!m) return null;
  const specs = m[1]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (specs.length !== 1) return null;
  const spec = specs[0]!;

  const unsatisfiable = () => new AppError('RANGE_NOT_SATISFIABLE', `The file has ${size} bytes; the range ${spec} is outside it.`, { size });
  const suffix = /^-(\d+)$/.exec(spec);
  if (suffix) {
    const n = Number(suffix[1]);
    if (n === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const span = /^(\d+)-(\d*)$/.exec(spec);
  if (!span) return null;
  const start = Number(span[1]);
  const last = span[2] === '' ? Infinity : Number(span[2]);
  if (last < start) return null;
  if (start >= size) throw unsatisfiable();
  return { start, end: Math.min(last, size - 1) };
}
