import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { graphCodes } from './graph-error.js';

describe('Graph error codes documentation', () => {
  it('lists every Graph code with its HTTP status and title in docs/api/cloud-api.md, and no other', () => {
    const doc = readFileSync(new URL('../../../../docs/api/cloud-api.md', import.meta.url), 'utf8');
    const rows = new Map<number, { status: number; title: string }>();
    for (const m of doc.matchAll(/^\| (\d+) \| (\d{3}) \| ([^|]+) \|/gm)) rows.set(Number(m[1]), { status: Number(m[2]), title: m[3]!.trim() });
    for (const [code, c] of Object.entries(graphCodes)) {
      expect(rows.get(Number(code)), `code ${code} is not documented`).toEqual({ status: c.status, title: c.message.replace(/^\(#\d+\) /, '') });
    }
    expect([...rows.keys()].filter((k) => !(k in graphCodes))).toEqual([]);
  });
});
