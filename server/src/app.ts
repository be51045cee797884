/**
 * @module app
 * buildApp(config) assembles the server — database, write queue, bus, HTTP routes and the
 * WebSocket gateway — and never listens; main/cli (and tests) call listen.
 */
import path from 'node:path';
import fs from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import pino, { type Logger } from 'pino';
import type { Config } from './config/schema.js';
import { openDatabase } from './platform/db/database.js';
import { WriteQueue } from './platform/db/write-queue.js';
import { MemoryBus } from './platform/bus/bus.js';
import { systemClock, type Clock } from './platform/clock.js';
import { migrateToLatest } from './migrations/index.js';
import type { DB } from './tables.js';
import type { BusEvent, Ctx, Envelope } from './context.js';
import { HttpCodeSender, LogCodeSender, type CodeSender } from './domain/accounts/index.js';
import { emailSenderFor, mayBeBusinessChat, type EmailSender } from './domain/accounts/index.js';
import { installErrorHandling } from './http/errors.js';
import { cachedSerializerCompiler, cachedValidatorCompiler } from './http/schema-cache.js';
import { authRoutes } from './http/routes/auth.js';
import { Gateway } from './realtime/gateway.js';
import { registerRoutes } from './http/routes/index.js';
import { startMaintenance } from './workers/maintenance.js';
import { startWebhookDispatcher, type WebhookDispatcher } from './workers/webhooks.js';
import { graphRoutes } from './http/graph/routes.js';
import { ApiEdge } from './http/graph/edge.js';
import { installInboundWebhooks, installPolicyHooks, installQualityHooks } from './domain/api/index.js';
import { startQualityTicker } from './workers/quality.js';
import { installTemplateQualityHooks } from './domain/api/templates/index.js';
import { webRoutes } from './http/web.js';
import { Metrics } from './platform/metrics/metrics.js';
import { AppError } from './errors.js';
import { Hooks } from './platform/hooks/hooks.js';

export interface AppDeps {
  clock?: Clock;
  codeSender?: CodeSender;
  emailSender?: EmailSender;
  logger?: Logger;
}

export interface ParleyApp {
  app: FastifyInstance;
  ctx: Ctx;
  gateway: Gateway;
  /** Business API webhook delivery (tests wait on it with `idle()`). */
  webhooks: WebhookDispatcher;
  /** Listen on config HOST:PORT (and PARLEY_API_PORT when set); resolves with the bound address (http://host:port). */
  listen(): Promise<string>;
  /** The Graph API listener's address (http://host:port) once listening, when PARLEY_API_PORT is set. */
  readonly apiUrl: string | null;
  /** The Graph API listener itself (tests look at its thread). */
  readonly apiEdge: ApiEdge | null;
  close(): Promise<void>;
}

export function createLogger(config: Config): Logger {
  return pino({
    level: config.PARLEY_LOG_LEVEL,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'token', 'code_hash', 'pin', 'currentPin', 'pin_hash', 'req.query.token', 'req.query.access_token', '*.token'],
      censor: '[redacted]',
    },
  });
}

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<ParleyApp> {
  const log = deps.logger ?? createLogger(config);
  const database = openDatabase<DB>({ url: config.DATABASE_URL, dataDir: config.PARLEY_DATA_DIR, sqliteSynchronous: config.PARLEY_SQLITE_SYNCHRONOUS, sqliteCheckpointPages: config.PARLEY_SQLITE_CHECKPOINT_PAGES });
  await migrateToLatest(database.db as never);

  const mediaDir = config.PARLEY_MEDIA_DIR || path.join(config.PARLEY_DATA_DIR, 'media');
  fs.mkdirSync(mediaDir, { recursive: true });

  const bus = new MemoryBus<BusEvent>();
  const metrics = new Metrics();
  const writes = new WriteQueue<DB, Envelope>(database.db, {
    onBatch: (size) => metrics.writeBatch.observe(size),
    onCommitTime: (seconds) => metrics.sqliteCommit.observe(seconds),
    onSyncTime: (seconds) => metrics.sqliteWalSync.observe(seconds),
    onCommit: (events) => {
      for (const e of events) bus.publish(e.topic, e.event);
    },
  });
  const codeSender =
    deps.codeSender ??
    (config.PARLEY_CODE_SENDER === 'http' ? new HttpCodeSender(config.PARLEY_CODE_HTTP_URL, config.PARLEY_CODE_HTTP_TOKEN) : new LogCodeSender(log));

  const ctx: Ctx = {
    config,
    db: database.db,
    dialect: database.dialect,
    writes,
    bus,
    clock: deps.clock ?? systemClock,
    log,
    mediaDir,
    codeSender,
    emailSender: deps.emailSender ?? emailSenderFor(config, log),
    metrics,
    hooks: new Hooks(log),
  };

  const app = Fastify({
    loggerInstance: log as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.PARLEY_TRUST_PROXY,
    bodyLimit: 1024 * 1024,
    // Close keep-alive sockets on shutdown instead of waiting for their timeout.
    forceCloseConnections: true,
    // A client that trickles an upload cannot hold a request (and a temp file) forever.
    requestTimeout: 10 * 60 * 1000,
    routerOptions: { ignoreTrailingSlash: true },
  });
  // TypeBox checks request bodies exactly as declared (no silent type coercion, extra fields
  // refused where the schema says so); query strings and path params are converted first.
  app.setValidatorCompiler(cachedValidatorCompiler);
  app.setSerializerCompiler(cachedSerializerCompiler);
  installErrorHandling(app);
  await app.register(rateLimit, { global: false });

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/metrics', async (req, reply) => {
    const token = config.PARLEY_METRICS_TOKEN;
    if (token && req.headers.authorization !== `Bearer ${token}`) throw new AppError('UNAUTHENTICATED', 'GET /metrics needs the metrics token.');
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpRequests.inc({ method: req.method, status: `${Math.floor(reply.statusCode / 100)}xx` });
  });
  await app.register(authRoutes(ctx));
  await app.register(registerRoutes(ctx));
  // Cloud-API-compatible Graph routes: their own error envelope (encapsulated plugin).
  await app.register(graphRoutes(ctx));
  await app.register(webRoutes());

  const gateway = new Gateway(ctx);
  gateway.attach(app.server);
  const stopMaintenance = startMaintenance(ctx);
  // Business-tier hooks skip chats between two people without a query (see Hooks.setBusinessChatTest).
  ctx.hooks.setBusinessChatTest((memberIds) => mayBeBusinessChat(ctx, memberIds));
  installInboundWebhooks(ctx);
  installPolicyHooks(ctx);
  installQualityHooks(ctx);
  installTemplateQualityHooks(ctx);
  const stopQualityTicker = startQualityTicker(ctx);
  const webhooks = startWebhookDispatcher(ctx);

  let closed = false;
  let edge: ApiEdge | null = null;
  const close = async () => {
    if (closed) return;
    closed = true;
    // No new API request; those under way are answered first.
    await edge?.close();
    stopMaintenance();
    stopQualityTicker();
    await webhooks.stop();
    await gateway.close();
    await app.close();
    await ctx.hooks.idle();
    await writes.close();
    await bus.close();
    await database.close();
  };
  return {
    app,
    ctx,
    gateway,
    webhooks,
    async listen() {
      const address = await app.listen({ host: config.HOST, port: config.PORT });
      if (config.PARLEY_API_PORT >= 0) {
        const listener = new ApiEdge(ctx, app, { host: config.HOST, port: config.PARLEY_API_PORT });
        try {
          await listener.start();
        } catch (err) {
          // A server without the listener it was configured with does not run at all.
          await close();
          throw err;
        }
        edge = listener;
      }
      return address;
    },
    get apiUrl() {
      return edge?.url ?? null;
    },
    get apiEdge() {
      return edge;
    },
    close,
  };
}
