/**
 * @module platform/ids
 * Opaque, prefixed identifiers (`acc_…`, `msg_…`) and secret tokens.
 */
import { createHash, randomBytes, randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Random bytes for ids, drawn from the system in blocks (one call per 315 ids, not one per id). */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

/** A new random id with the given prefix, e.g. `newId('msg')` → `msg_5k2…` (21 random chars). */
export function newId(prefix: string): string {
  if (poolAt + 13 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const bytes = pool.subarray(poolAt, poolAt + 13);
  poolAt += 13;
  return `${prefix}_${base32(bytes)}`;
}

/** `bytes` random bytes as lower-case hex (from the same pool as ids; not for secrets). */
export function randomHex(bytes: number): string {
  if (bytes > pool.length) throw new RangeError('randomHex: too many bytes');
  if (poolAt + bytes > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const hex = pool.toString('hex', poolAt, poolAt + bytes);
  poolAt += bytes;
  return hex;
}

/** A secret bearer token; only its hash is stored. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}
