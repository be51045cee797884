/**
 * Keeps docs/config.md in sync with the configuration schema (server/src/config/schema.ts). The
 * schema is imported, not copied, so a variable added to it makes this test fail until the page
 * documents it, with its default.
 *
 * Convention (stated at the top of the page): a variable is documented by a table row whose first
 * cell is its name in backticks and whose second cell is its default in backticks, written as in the
 * environment (`""` for an empty default). Fenced code blocks are ignored.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configVars } from '../../src/config/schema.js';

const DOC_PATH = 'docs/config.md';
const doc = readFileSync(new URL('../../../docs/config.md', import.meta.url), 'utf8');

const NAME_CELL = /^`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)`$/;
const VALUE_CELL = /^`([^`]*)`$/;

interface Documented {
  name: string;
  line: number;
  /** The default as written in the second cell, or null when the cell holds no `value`. */
  default: string | null;
}

/** The cells of a Markdown table row, without the outer pipes. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** Every variable the page documents, in order, following the convention above. */
function documentedVars(markdown: string): Documented[] {
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
    if (fence !== null || !line.startsWith('|')) return;
    const [first, second] = cells(line);
    const name = NAME_CELL.exec(first ?? '')?.[1];
    if (!name) return;
    const value = VALUE_CELL.exec(second ?? '')?.[1];
    out.push({ name, line: index + 1, default: value === undefined ? null : value === '""' ? '' : value });
  });
  return out;
}

/** The schema default of a variable, written as it would be in the environment. */
function schemaDefault(name: string): string {
  const schema = (configVars as Record<string, { schema: { default?: unknown } }>)[name]!.schema;
  return String(schema.default);
}

const names = Object.keys(configVars);
const documented = documentedVars(doc);

describe(`${DOC_PATH} and the configuration schema`, () => {
  it('documents every variable of the schema', () => {
    const seen = new Set(documented.map((d) => d.name));
    const missing = names.filter((name) => !seen.has(name));
    const hint = missing.map((name) => `| \`${name}\` | \`${schemaDefault(name) || '""'}\` | … |`).join('\n');
    expect(missing, `${DOC_PATH} lacks these variables of server/src/config/schema.ts; add a row for each:\n${hint}\n`).toEqual([]);
  });

  it('documents no variable that is missing from the schema', () => {
    const stale = documented.filter((d) => !Object.hasOwn(configVars, d.name)).map((d) => `${d.name} (line ${d.line})`);
    expect(stale, `${DOC_PATH} documents variables that server/src/config/schema.ts no longer has`).toEqual([]);
  });

  it('documents each variable once', () => {
    const lines = new Map<string, number[]>();
    for (const d of documented) lines.set(d.name, [...(lines.get(d.name) ?? []), d.line]);
    const twice = [...lines].filter(([, at]) => at.length > 1).map(([name, at]) => `${name} (lines ${at.join(', ')})`);
    expect(twice, `${DOC_PATH} documents these variables more than once`).toEqual([]);
  });

  it('documents the default of the schema for each variable', () => {
    const wrong = documented
      .filter((d) => Object.hasOwn(configVars, d.name) && d.default !== schemaDefault(d.name))
      .map((d) => `${d.name} (line ${d.line}): doc says ${d.default === null ? 'no `value`' : JSON.stringify(d.default)}, schema says ${JSON.stringify(schemaDefault(d.name))}`);
    expect(wrong, `${DOC_PATH}: the second cell of a variable's row must be its default in backticks ("" when empty)`).toEqual([]);
  });
});
