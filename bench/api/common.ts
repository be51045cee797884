/**
 * Shared types of the API benchmark (orchestrator, load process, webhook receiver, bare endpoint).
 * Nothing here imports server code.
 */

/** One sending number and the token that may use it. */
export interface ApiSender {
  phoneNumberId: string;
  token: string;
}

export interface LoadSetup {
  /** http://127.0.0.1:port */
  baseUrl: string;
  senders: ApiSender[];
  /** Customers' numbers as digits (the `to` of each send). */
  customers: string[];
  /** Keep-alive connections to the server. */
  connections: number;
}

export interface ClosedCmd {
  cmd: 'closed';
  setup: LoadSetup;
  /** Requests in flight at once. */
  concurrency: number;
  warmupMs: number;
  measureMs: number;
}
export interface OpenCmd {
  cmd: 'open';
  setup: LoadSetup;
  /** Requests per second offered. */
  rate: number;
  durationMs: number;
  /**
   * Answers that arrive from this long after the schedule's start until its end are counted for
   * `answeredPerSecond` (the first moments, before the server's pipeline is full, are left out).
   */
  rampMs?: number;
}
export type LoadCmd = ClosedCmd | OpenCmd;

export interface LoadResult {
  /** 200 answers in the measured window. */
  accepted: number;
  /** Non-200 answers or network errors in the measured window (with the first few bodies). */
  failed: number;
  failures: string[];
  seconds: number;
  /** Accept latency (request written → response read), ms, over the measured requests; for the open loop from the scheduled time. */
  p50: number;
  p99: number;
  /** Open loop only: how late the load itself sent its requests against the schedule, p99 and max, ms (its own stalls count in the latency). */
  scheduleLagP99?: number;
  scheduleLagMax?: number;
  /** Every 200 answer of the whole run (warm-up included): the status webhooks owed. */
  acceptedTotal: number;
  /**
   * Open loop only: 200 answers per second that arrived between `rampMs` after the schedule's start
   * and its end. A server that keeps up answers at the offered rate; one that falls behind answers
   * at what it can do, and the rest waits.
   */
  answeredPerSecond?: number;
  /** Open loop only: how long after the schedule's last request the last answer arrived, ms (the backlog left at the end). */
  lastAnswerAfterMs?: number;
}

/** Receiver → orchestrator: counts so far. */
export interface ReceiverCounts {
  posts: number;
  statuses: number;
  badSignatures: number;
  firstAt: number;
  lastAt: number;
}
