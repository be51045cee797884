export interface SqlStatementCount {
  sql: string;
  calls: number;
  ms: number;
  /** The longest single call, ms. */
  maxMs: number;
}
/** Wrap better-sqlite3's prepared statements of this process to count their calls and time. */
export function countSqlStatements(): { take(): SqlStatementCount[] };
