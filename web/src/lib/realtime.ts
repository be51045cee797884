/**
 * WebSocket client for the Parley protocol (docs/protocol.md): connects with the device token,
 * syncs from a cursor, delivers updates in order, acknowledges them, answers requests, and
 * reconnects with backoff when the network drops.
 */
import type { ErrorFrame, HelloFrame, PresenceFrame, ServerFrame, TypingEventFrame, Update } from '#contracts/protocol.js';
import { ApiError } from './api.js';

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

export interface RealtimeHandlers {
  /** The cursor to resume from (the last update seq applied). */
  cursor(): number;
  onUpdate(seq: number, update: Update): void;
  onSynced(seq: number): void;
  /** The cursor is older than the server keeps: fetch a fresh state and return its cursor. */
  onResyncRequired(): Promise<number>;
  onTyping(frame: TypingEventFrame): void;
  onPresence(frame: PresenceFrame): void;
  /** The account changed on another device (profile, privacy, contacts, blocks). */
  onRefresh(): void;
  onStatus(status: ConnectionStatus): void;
  /** The device was revoked or the token is no longer valid. */
  onSignedOut(): void;
}

interface Pending {
  resolve(result: Record<string, unknown>): void;
  reject(err: ApiError): void;
  timer: ReturnType<typeof setTimeout>;
}

const REQUEST_TIMEOUT_MS = 15_000;
const SYNC_TIMEOUT_MS = 10 * 60_000;

export class RealtimeClient {
  private ws: WebSocket | null = null;
  private status: ConnectionStatus = 'offline';
  private pending = new Map<string, Pending>();
  private nextId = 0;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private lastAcked = 0;
  private lastApplied = 0;
  private stopped = true;
  private synced = false;
  private readyWaiters: (() => void)[] = [];

  constructor(
    private readonly url: () => string,
    private readonly handlers: RealtimeHandlers,
  ) {}

  get connectionStatus(): ConnectionStatus {
    return this.status;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.open();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    clearTimeout(this.reconnectTimer);
    this.ws?.close(1000, 'bye');
    this.ws = null;
    this.failPending(new ApiError('NETWORK', 'Disconnected.'));
    this.setStatus('offline');
  }

  /** Resolves once the connection is open and synced. */
  ready(): Promise<void> {
    if (this.status === 'online' && this.synced) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Send a frame and wait for its reply; rejects with ApiError on an error frame or a timeout. */
  request(frame: Record<string, unknown> & { type: string }, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Record<string, unknown>> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new ApiError('NETWORK', 'Not connected.'));
    const id = `c${++this.nextId}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ApiError('TIMEOUT', 'The server did not answer in time.'));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify({ ...frame, id }));
    });
  }

  private onOnline = () => {
    if (this.status === 'offline' && !this.stopped) {
      clearTimeout(this.reconnectTimer);
      this.attempt = 0;
      this.open();
    }
  };

  /** The device lost its network: an open socket can look alive for minutes; drop it now. */
  private onOffline = () => {
    const ws = this.ws;
    if (!ws || this.stopped) return;
    this.ws = null;
    ws.onclose = null;
    ws.onmessage = null;
    ws.close();
    this.failPending(new ApiError('NETWORK', 'Connection lost.'));
    this.setStatus('offline');
    clearTimeout(this.reconnectTimer);
    this.scheduleReconnect();
  };

  private setStatus(s: ConnectionStatus): void {
    if (this.status === s) return;
    this.status = s;
    this.handlers.onStatus(s);
  }

  private open(): void {
    if (this.stopped) return;
    this.setStatus('connecting');
    this.synced = false;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onmessage = (ev) => this.onFrame(JSON.parse(String(ev.data)) as ServerFrame);
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.failPending(new ApiError('NETWORK', 'Connection lost.'));
      if (ev.code === 4001 || ev.code === 4003) {
        this.stopped = true;
        this.setStatus('offline');
        this.handlers.onSignedOut();
        return;
      }
      this.setStatus('offline');
      this.scheduleReconnect();
    };
    ws.onerror = () => undefined;
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = Math.min(30_000, 1000 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  private failPending(err: ApiError): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'hello':
        void this.sync(frame);
        return;
      case 'reply': {
        const p = this.pending.get(frame.id);
        if (!p) return;
        this.pending.delete(frame.id);
        clearTimeout(p.timer);
        p.resolve(frame.result);
        return;
      }
      case 'error': {
        const e = frame as ErrorFrame;
        const p = e.id ? this.pending.get(e.id) : undefined;
        if (!p || !e.id) return;
        this.pending.delete(e.id);
        clearTimeout(p.timer);
        p.reject(new ApiError(e.code, e.message, 0, e.details));
        return;
      }
      case 'update':
        if (frame.seq <= this.lastApplied) return;
        this.lastApplied = frame.seq;
        this.handlers.onUpdate(frame.seq, frame.update);
        this.scheduleAck();
        return;
      case 'typing':
        this.handlers.onTyping(frame);
        return;
      case 'presence':
        this.handlers.onPresence(frame);
        return;
      case 'refresh':
        this.handlers.onRefresh();
        return;
    }
  }

  private async sync(_hello: HelloFrame): Promise<void> {
    let after = this.handlers.cursor();
    this.lastApplied = after;
    for (let tries = 0; tries < 2; tries++) {
      try {
        // A long catch-up streams many updates before its reply: give it time (the heartbeat still detects a dead link).
        const r = await this.request({ type: 'sync', after }, SYNC_TIMEOUT_MS);
        this.attempt = 0;
        this.synced = true;
        this.setStatus('online');
        this.handlers.onSynced(Number(r.seq));
        for (const w of this.readyWaiters.splice(0)) w();
        return;
      } catch (err) {
        if (err instanceof ApiError && err.code === 'RESYNC_REQUIRED') {
          after = await this.handlers.onResyncRequired();
          this.lastApplied = after;
          continue;
        }
        this.ws?.close(4000, 'sync failed');
        return;
      }
    }
  }

  private scheduleAck(): void {
    if (this.ackTimer) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      const seq = this.lastApplied;
      if (seq > this.lastAcked && this.ws?.readyState === WebSocket.OPEN) {
        this.lastAcked = seq;
        this.request({ type: 'ack', seq }).catch(() => undefined);
      }
    }, 50);
  }
}
