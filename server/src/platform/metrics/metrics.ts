/**
 * @module platform/metrics
 * Prometheus metrics: process defaults plus counters and gauges the rest of the server updates.
 * One registry per app instance (tests build several apps in one process).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly wsConnections = new Gauge({ name: 'parley_ws_connections', help: 'Open WebSocket connections on this node.', registers: [this.registry] });
  readonly messagesStored = new Counter({ name: 'parley_messages_stored_total', help: 'Messages stored (sent by a client and committed).', registers: [this.registry] });
  readonly framesReceived = new Counter({ name: 'parley_ws_frames_received_total', help: 'Client frames received, by type.', labelNames: ['type'] as const, registers: [this.registry] });
  readonly frameErrors = new Counter({ name: 'parley_ws_frame_errors_total', help: 'Client frames answered with an error, by code.', labelNames: ['code'] as const, registers: [this.registry] });
  readonly writeBatch = new Histogram({
    name: 'parley_write_batch_size',
    help: 'Operations committed per write transaction (group commit).',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [this.registry],
  });
  readonly sqliteCommit = new Histogram({
    name: 'parley_sqlite_commit_seconds',
    help: 'SQLite: how long each write transaction\'s COMMIT held the event loop (WAL writes, and a checkpoint when one runs).',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5],
    registers: [this.registry],
  });
  readonly sqliteWalSync = new Histogram({
    name: 'parley_sqlite_wal_sync_seconds',
    help: 'SQLite with synchronous=FULL: how long each fsync of the WAL took (off the event loop; the writes of its batch are acknowledged after it).',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5],
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({ name: 'parley_http_requests_total', help: 'HTTP requests, by method and status class.', labelNames: ['method', 'status'] as const, registers: [this.registry] });

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
  }
}
