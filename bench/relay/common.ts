/**
 * Shared types and small helpers of the relay benchmark (orchestrator, load process, bare relay).
 * Nothing here imports server code.
 */

/** One seeded signed-in device. Accounts 0..2·pairs-1 are paired: 2k ↔ 2k+1 share chats[k]. */
export interface SeedClient {
  index: number;
  accountId: string;
  deviceId: string;
  token: string;
  /** The direct chat with the pair peer (paired accounts only). */
  chatId?: string;
  /** The pair peer's account id (paired accounts only). */
  peerId?: string;
}

/** What seeding writes to seed.json: read by the orchestrator, the load process and the bare relay. */
export interface SeedFile {
  clients: SeedClient[];
  /** chatId → member account ids. */
  chats: Record<string, string[]>;
}

// ---- orchestrator → load process -------------------------------------------------------------

export interface ConnectCmd {
  cmd: 'connect';
  /** ws://host:port/v1/ws */
  url: string;
  seedFile: string;
  /** Indexes into the seed file's clients. */
  from: number;
  to: number;
  concurrency: number;
  /** Source addresses to spread the sockets over (empty: the OS picks 127.0.0.1). */
  localAddresses: string[];
  timeoutMs: number;
}
export interface ClosedLoopCmd {
  cmd: 'closed';
  warmupMs: number;
  measureMs: number;
  inflight: number;
  drainMs: number;
}
export interface OpenLoopCmd {
  cmd: 'open';
  /** Offered messages per second across all clients of this load process. */
  rate: number;
  durationMs: number;
  /** How long after the last scheduled send a message may still arrive to count as delivered. */
  graceMs: number;
}
export interface CloseCmd {
  cmd: 'close';
}
export type LoadCmdBody = ConnectCmd | ClosedLoopCmd | OpenLoopCmd | CloseCmd;
export type LoadCmd = LoadCmdBody & { id: number };

// ---- load process → orchestrator -------------------------------------------------------------

export interface ConnectResult {
  connected: number;
  failed: number;
  ms: number;
  errors: string[];
}
export interface ClosedLoopResult {
  /** message.created frames that reached the peer (not the sender's own echo) inside the window. */
  delivered: number;
  /** Send replies (message stored) inside the window. */
  replies: number;
  windowMs: number;
  /** Send → arrival at the peer, inside the window (ms). */
  deliveryP50: number;
  deliveryP99: number;
  errors: Record<string, number>;
  /** Sends still unanswered after the drain. */
  unansweredAfterDrain: number;
  /** Frames received and sent by type during the phase (all clients). */
  frames: { in: Record<string, number>; out: Record<string, number> };
}
export interface OpenLoopResult {
  scheduled: number;
  sent: number;
  /** Arrived at the peer within graceMs of the end of the send window. */
  delivered: number;
  undelivered: number;
  duplicates: number;
  /** First to last send (ms). */
  sendWindowMs: number;
  /** Latency from the scheduled send time (no coordinated omission), ms. */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** Latency from the moment the frame was actually written, ms. */
  sentP99: number;
  /** How late the load generator was against its schedule (p99, ms). */
  scheduleLagP99: number;
  errors: Record<string, number>;
  frames: { in: Record<string, number>; out: Record<string, number> };
}

export type LoadMsg =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string }
  /** Edges of the measured window, so the orchestrator can read CPU counters at the right moments. */
  | { event: 'window'; edge: 'start' | 'end'; phase: 'closed' | 'open' }
  | { event: 'ready' }
  | { event: 'closed-unexpectedly'; count: number; codes: Record<string, number> };

// ---- numbers ---------------------------------------------------------------------------------

/** Percentile (0..100) of an ascending sorted array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
