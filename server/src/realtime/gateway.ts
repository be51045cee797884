/**
 * @module realtime/gateway
 * The WebSocket endpoint `/v1/ws`: authenticates the device token, then turns client frames into
 * calls to domain functions and bus events into server frames. Holds no business rules; it only
 * translates, keeps per-connection state (cursor, presence watches) and detects dead peers.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError, errorCatalog, isAppError } from '../errors.js';
import { authenticate } from '../domain/accounts/index.js';
import type { Actor, Ctx } from '../context.js';
import { Connection } from './connection.js';
import { CloseCodes } from '#contracts/protocol.js';

export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: Ctx) {
    this.wss = new WebSocketServer({ noServer: true, // Frames over the limit get FRAME_TOO_LARGE and the connection stays usable; far larger ones close it.
      maxPayload: Math.max(ctx.config.PARLEY_MAX_FRAME_BYTES * 4, 1024 * 1024),
      perMessageDeflate: false });
  }

  get size(): number {
    return this.connections.size;
  }

  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => void this.onUpgrade(req, socket, head));
    this.heartbeat = setInterval(() => {
      for (const c of this.connections) c.heartbeat();
    }, this.ctx.config.PARLEY_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/v1/ws' && url.pathname !== '/v1/ws/') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : url.searchParams.get('token');
    let actor: Actor | null = null;
    try {
      actor = token ? await authenticate(this.ctx, token) : null;
    } catch (err) {
      this.ctx.log.error({ msg: 'ws.auth_failed', err });
    }
    if (!actor) {
      const body = JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: errorCatalog.UNAUTHENTICATED.message } });
      socket.end(`HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    const a = actor;
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const conn = new Connection(this.ctx, ws, a, () => {
        this.connections.delete(conn);
        this.ctx.metrics.wsConnections.set(this.connections.size);
      });
      this.connections.add(conn);
      this.ctx.metrics.wsConnections.set(this.connections.size);
      conn.start();
    });
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of this.connections) c.close(CloseCodes.SERVER_SHUTDOWN, 'server shutting down');
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

export function errorFrame(err: unknown, id?: string) {
  if (isAppError(err)) return { type: 'error' as const, ...(id ? { id } : {}), ...err.toJSON() };
  return { type: 'error' as const, ...(id ? { id } : {}), code: 'INTERNAL', message: errorCatalog.INTERNAL.message };
}

export { AppError };
