/**
 * @module e2e/safety
 * Safety numbers: a fingerprint of both parties' identity keys, the same on both sides, shown as
 * 60 digits (12 groups of 5) and encoded for a QR code. Each party's half is SHA-512 iterated 5200
 * times over its phone number and its devices' signature keys (sorted), so a new key changes the number.
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { fromBase64, utf8 } from './bytes.js';

export interface SafetyParty {
  phone: string;
  /** Signature public keys (base64) of the party's devices. */
  signatureKeys: string[];
}

/** As Signal's safety numbers. */
const ITERATIONS = 5200;

function half(p: SafetyParty): string {
  const keys = [...p.signatureKeys].sort().map((k) => fromBase64(k));
  const parts = [utf8('parley-safety-1'), utf8(p.phone), ...keys];
  const total = parts.reduce((n, x) => n + x.length, 0);
  const input = new Uint8Array(total);
  let o = 0;
  for (const x of parts) {
    input.set(x, o);
    o += x.length;
  }
  let hash: Uint8Array = input;
  const next = new Uint8Array(64 + input.length);
  next.set(input, 64);
  for (let i = 0; i < ITERATIONS; i++) {
    next.set(i === 0 ? new Uint8Array(64) : hash, 0);
    hash = sha512(next);
  }
  // 30 digits: six 5-byte chunks, each mod 100000.
  let digits = '';
  for (let c = 0; c < 6; c++) {
    let n = 0;
    for (let b = 0; b < 5; b++) n = n * 256 + hash[c * 5 + b]!;
    digits += String(n % 100000).padStart(5, '0');
  }
  return digits;
}

export interface SafetyNumber {
  /** 60 digits. */
  digits: string;
  /** The digits in 12 groups of 5, for display. */
  groups: string[];
  /** What the QR code encodes. */
  qr: string;
}

/** The chat's safety number; both sides compute the same value. */
export function safetyNumber(a: SafetyParty, b: SafetyParty): SafetyNumber {
  const ha = half(a);
  const hb = half(b);
  const digits = ha < hb ? ha + hb : hb + ha;
  return { digits, groups: digits.match(/.{5}/g)!, qr: `parley-safety:1:${digits}` };
}
