/**
 * @module realtime/connection
 * One signed-in device's socket: parses and validates frames, dispatches them, and writes
 * server frames. Frame handlers live in ./handlers.ts.
 */
import type { WebSocket, RawData } from 'ws';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { AppError } from '../errors.js';
import { clientFrameSchemas, CloseCodes, PROTOCOL_VERSION, type ClientFrameType, type ServerFrame } from '#contracts/protocol.js';
import { accountTopic, type Actor, type BusEvent, type Ctx } from '../context.js';
import { errorFrame } from './gateway.js';
import { ConnectionSession } from './session.js';

const checkers = Object.fromEntries(
  Object.entries(clientFrameSchemas).map(([k, s]) => [k, TypeCompiler.Compile(s as TSchema)]),
) as Record<ClientFrameType, TypeCheck<TSchema>>;

/** Close a connection whose unsent output exceeds this (a stuck or too slow reader). */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * Corking: the frames a socket gets during one turn of the event loop (a group commit's updates,
 * the replies that follow it, receipts…) leave in one `writev` at the start of the next turn
 * instead of one system call per frame.
 */
interface Corkable {
  cork(): void;
  uncork(): void;
}
const corked = new Set<Corkable>();
let uncorkScheduled = false;
function uncorkAll(): void {
  uncorkScheduled = false;
  for (const s of corked) s.uncork();
  corked.clear();
}
function corkForThisTurn(socket: Corkable | undefined): void {
  if (!socket || corked.has(socket)) return;
  socket.cork();
  corked.add(socket);
  if (!uncorkScheduled) {
    uncorkScheduled = true;
    setImmediate(uncorkAll);
  }
}

export class Connection {
  private alive = true;
  private closed = false;
  private unsubscribe: (() => void) | undefined;
  readonly session: ConnectionSession;

  constructor(
    readonly ctx: Ctx,
    private readonly ws: WebSocket,
    readonly actor: Actor,
    private readonly onClosed: () => void,
  ) {
    this.session = new ConnectionSession(ctx, actor, (f) => this.send(f), (code, reason) => this.close(code, reason), (t) => this.sendText(t));
  }

  start(): void {
    this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.ws.on('pong', () => (this.alive = true));
    this.ws.on('close', () => this.cleanup());
    this.ws.on('error', () => this.cleanup());
    this.unsubscribe = this.ctx.bus.subscribe(accountTopic(this.actor.accountId), (e) => this.onBusEvent(e));
    void this.session
      .open()
      .then((updateSeq) => {
        this.send({
          type: 'hello',
          protocol: PROTOCOL_VERSION,
          accountId: this.actor.accountId,
          deviceId: this.actor.deviceId,
          updateSeq,
          serverTime: this.ctx.clock.now(),
          heartbeatMs: this.ctx.config.PARLEY_HEARTBEAT_MS,
        });
      })
      .catch((err) => {
        this.ctx.log.error({ msg: 'ws.open_failed', err });
        this.close(CloseCodes.INTERNAL, 'internal error');
      });
  }

  send(frame: ServerFrame): void {
    if (this.closed) return;
    if (frame.type === 'error') this.ctx.metrics.frameErrors.inc({ code: frame.code });
    this.sendText(JSON.stringify(frame));
  }

  /** Send a frame already serialized (an update shared by every device of an account). */
  sendText(text: string): void {
    if (this.closed) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(CloseCodes.TOO_SLOW, 'reader too slow; reconnect and sync');
      return;
    }
    // ws keeps the net.Socket private; corking it is safe (ws corks around each frame itself).
    corkForThisTurn((this.ws as unknown as { _socket?: Corkable })._socket);
    this.ws.send(text);
  }

  heartbeat(): void {
    if (!this.alive) {
      this.close(CloseCodes.HEARTBEAT_TIMEOUT, 'heartbeat timeout');
      this.ws.terminate();
      return;
    }
    this.alive = false;
    try {
      this.ws.ping();
    } catch {
      // the close handler cleans up
    }
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
    this.cleanup();
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.session.close();
    this.onClosed();
  }

  private onBusEvent(e: BusEvent): void {
    if (e.kind === 'device.revoked') {
      if (e.deviceId === this.actor.deviceId) this.close(CloseCodes.DEVICE_REVOKED, 'device revoked');
      return;
    }
    this.session.onBusEvent(e);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    this.alive = true;
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength;
    if (size > this.ctx.config.PARLEY_MAX_FRAME_BYTES) {
      this.send(errorFrame(new AppError('FRAME_TOO_LARGE', `Frames may be at most ${this.ctx.config.PARLEY_MAX_FRAME_BYTES} bytes.`)));
      return;
    }
    let frame: unknown;
    try {
      if (isBinary) throw new Error('binary');
      frame = JSON.parse(data.toString());
    } catch {
      this.send(errorFrame(new AppError('FRAME_MALFORMED', 'Frames must be JSON text objects with a "type".')));
      return;
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame) || typeof (frame as { type?: unknown }).type !== 'string') {
      this.send(errorFrame(new AppError('FRAME_MALFORMED', 'Frames must be JSON text objects with a "type".')));
      return;
    }
    const f = frame as { type: string; id?: unknown };
    const id = typeof f.id === 'string' ? f.id.slice(0, 64) : undefined;
    const checker = Object.hasOwn(checkers, f.type) ? checkers[f.type as ClientFrameType] : undefined;
    if (!checker) {
      this.send(errorFrame(new AppError('FRAME_UNKNOWN_TYPE', `Unknown frame type "${f.type.slice(0, 40)}".`), id));
      return;
    }
    if (!checker.Check(frame)) {
      const first = checker.Errors(frame).First();
      const path = first?.path || '/';
      this.send(errorFrame(new AppError('VALIDATION_FAILED', `${f.type} frame: ${path} ${first?.message ?? 'is not valid'}`, { path }), id));
      return;
    }
    this.ctx.metrics.framesReceived.inc({ type: f.type });
    this.session.handle(frame as never).then(
      (result) => this.send({ type: 'reply', id: id!, result }),
      (err: unknown) => {
        if (!(err instanceof AppError)) this.ctx.log.error({ msg: 'ws.frame_failed', type: f.type, err });
        this.send(errorFrame(err, id));
      },
    );
  }
}
