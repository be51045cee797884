/**
 * Keeps docs/api/errors.md in sync with the error catalog (server/src/errors.ts), as Fastify's
 * test/internals/errors.test.js does for its Errors.md. The catalog is imported, not copied, so a
 * code appended to errors.ts makes this test fail until the page documents it.
 *
 * Convention (stated at the top of the page): a code is documented by a table row whose first cell
 * is the code in backticks and whose second cell is its HTTP status, or by a heading that starts
 * with the code in backticks. Nothing else counts: codes named in prose, in other cells or in
 * fenced code blocks are references.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalog } from '../../src/errors.js';

const DOC_PATH = 'docs/api/errors.md';
const doc = readFileSync(new URL('../../../docs/api/errors.md', import.meta.url), 'utf8');

const CODE = '[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*';
const CELL_CODE = new RegExp(`^\`(${CODE})\`$`);
const HEADING_CODE = new RegExp(`^#{1,6}\\s+\`(${CODE})\`(?:\\s|$)`);

interface Documented {
  code: string;
  line: number;
  /** The status in the row's second cell; undefined for a heading. */
  status?: number | null;
}

/** The cells of a Markdown table row, without the outer pipes. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** Every code the page documents, in order, following the convention above. */
function documentedCodes(markdown: string): Documented[] {
  const out: Documented[] = [];
  let fence: string | null = null;
  markdown.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const marker = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      return;
    }
    if (fence !== null) return;
    if (line.startsWith('|')) {
      const [first, second] = cells(line);
      const code = CELL_CODE.exec(first ?? '')?.[1];
      if (code) {
        const status = /^\s*(\d{3})\b/.exec(second ?? '')?.[1];
        out.push({ code, line: index + 1, status: status ? Number(status) : null });
      }
      return;
    }
    const code = HEADING_CODE.exec(line)?.[1];
    if (code) out.push({ code, line: index + 1 });
  });
  return out;
}

const catalogCodes = Object.keys(errorCatalog);
const catalog: Record<string, { status: number }> = errorCatalog;
const documented = documentedCodes(doc);

describe(`${DOC_PATH} and the error catalog`, () => {
  it('documents every code of the catalog', () => {
    const seen = new Set(documented.map((d) => d.code));
    const missing = catalogCodes.filter((code) => !seen.has(code));
    const hint = missing.map((code) => `| \`${code}\` | ${catalog[code]!.status} | … |`).join('\n');
    expect(missing, `${DOC_PATH} lacks these codes of server/src/errors.ts; add a row for each:\n${hint}\n`).toEqual([]);
  });

  it('documents no code that is missing from the catalog', () => {
    const stale = documented.filter((d) => !Object.hasOwn(errorCatalog, d.code)).map((d) => `${d.code} (line ${d.line})`);
    expect(stale, `${DOC_PATH} documents codes that server/src/errors.ts no longer has; remove them or restore the code`).toEqual([]);
  });

  it('documents each code once', () => {
    const lines = new Map<string, number[]>();
    for (const d of documented) lines.set(d.code, [...(lines.get(d.code) ?? []), d.line]);
    const twice = [...lines].filter(([, at]) => at.length > 1).map(([code, at]) => `${code} (lines ${at.join(', ')})`);
    expect(twice, `${DOC_PATH} documents these codes more than once`).toEqual([]);
  });

  it('gives each table row the HTTP status of the catalog', () => {
    const wrong = documented
      .filter((d) => d.status !== undefined && Object.hasOwn(errorCatalog, d.code) && d.status !== catalog[d.code]!.status)
      .map((d) => `${d.code} (line ${d.line}): doc says ${d.status ?? 'nothing'}, catalog says ${catalog[d.code]!.status}`);
    expect(wrong, `${DOC_PATH}: the second cell of a code's row must be its HTTP status`).toEqual([]);
  });
});
