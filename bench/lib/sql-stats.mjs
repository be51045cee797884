// Counts calls and wall time of every prepared better-sqlite3 statement of this process, by SQL
// text (diagnostics only: the wrapping costs a little, so measured runs never enable it). Used by
// the relay benchmark's server hook (BENCH_SQL_STATS=1) and the API micro-benchmark (MICRO_SQL_STATS=1).
import { createRequire } from 'node:module';
import process from 'node:process';

export function countSqlStatements() {
  let stats = new Map();
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (sql) {
    const stmt = prepare.call(this, sql);
    for (const method of ['run', 'all', 'get']) {
      const original = stmt[method];
      stmt[method] = function (...args) {
        const t0 = process.hrtime.bigint();
        try {
          return original.apply(this, args);
        } finally {
          let entry = stats.get(sql);
          if (!entry) stats.set(sql, (entry = { calls: 0, ns: 0n, maxNs: 0n }));
          const ns = process.hrtime.bigint() - t0;
          entry.calls++;
          entry.ns += ns;
          if (ns > entry.maxNs) entry.maxNs = ns;
        }
      };
    }
    return stmt;
  };
  return {
    /** The counts since the last call (or since installing), then start again from zero. */
    take() {
      const out = [...stats].map(([sql, e]) => ({ sql, calls: e.calls, ms: Number(e.ns) / 1e6, maxMs: Number(e.maxNs) / 1e6 }));
      stats = new Map();
      return out;
    },
  };
}
