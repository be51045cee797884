import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { asciiJson, signatureHeaders } from './webhooks.js';
import { fromWamid, toWamid } from './ids.js';
import { normalizeTo, withoutNulls } from './send.js';
import { retryDelay } from '../../workers/webhooks.js';

describe('business API helpers', () => {
  it('serializes ASCII-only with lowercase \\u escapes and surrogate pairs, and parses back', () => {
    const value = { body: 'héllo 😀 你好 / "q"' };
    const s = asciiJson(value);
    expect(s).toBe('{"body":"h\\u00e9llo \\ud83d\\ude00 \\u4f60\\u597d / \\"q\\""}');
    expect(JSON.parse(s)).toEqual(value);
    expect(signatureHeaders('secret', s)['x-hub-signature-256']).toBe('sha256=' + createHmac('sha256', 'secret').update(Buffer.from(s)).digest('hex'));
  });

  it('round-trips wamids and refuses anything else', () => {
    const w = toWamid('33612345678', 'msg_abc123');
    expect(w).toMatch(/^wamid\./);
    expect(fromWamid(w)).toEqual({ peerDigits: '33612345678', messageId: 'msg_abc123' });
    expect(fromWamid('wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA')).toBeNull();
    expect(fromWamid('msg_abc123')).toBeNull();
    expect(fromWamid('wamid.' + Buffer.from('123:acc_x').toString('base64'))).toBeNull();
  });

  it('normalises `to` to wa_id digits and drops nulls', () => {
    expect(normalizeTo('+1 (202) 555-0143')).toBe('12025550143');
    expect(normalizeTo('33612345678')).toBe('33612345678');
    expect(() => normalizeTo('abc')).toThrow();
    expect(withoutNulls({ a: null, b: { c: null, d: 1 }, e: [null, 2] })).toEqual({ b: { d: 1 }, e: [null, 2] });
  });

  it('backs off exponentially, at most an hour apart', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(30_000, n))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelay(30_000, 30)).toBe(3600_000);
  });
});
