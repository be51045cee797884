/**
 * @module context
 * The dependencies every domain function receives: database, write queue, bus, clock, logger,
 * configuration. Built once by app.ts; tests build it the same way.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Update, TypingFrame } from '#contracts/protocol.js';
import type { Static } from '@sinclair/typebox';
import type { Config } from './config/schema.js';
import type { Dialect } from './platform/db/database.js';
import type { WriteQueue } from './platform/db/write-queue.js';
import type { Bus } from './platform/bus/bus.js';
import type { Clock } from './platform/clock.js';
import type { DB } from './tables.js';
import type { CodeSender } from './domain/accounts/code-sender.js';
import type { EmailSender } from './domain/accounts/email-sender.js';
import type { Metrics } from './platform/metrics/metrics.js';
import type { Hooks } from './platform/hooks/hooks.js';

/** What travels on the bus. Topics: `acc:<accountId>` for an account's devices, `presence:<accountId>` for watchers. */
export type BusEvent =
  | { kind: 'update'; seq: number; update: Update }
  | { kind: 'typing'; chatId: string; accountId: string; state: Static<typeof TypingFrame>['state'] }
  | { kind: 'presence'; accountId: string; online: boolean; lastSeenAt: number | null }
  | { kind: 'device.revoked'; deviceId: string }
  | { kind: 'account.changed' }
  /** Webhook events were committed to the outbox (topic WEBHOOKS_TOPIC): wake the dispatcher. */
  | { kind: 'webhooks.enqueued' };

export interface Envelope {
  topic: string;
  event: BusEvent;
}

export const accountTopic = (accountId: string) => `acc:${accountId}`;
export const presenceTopic = (accountId: string) => `presence:${accountId}`;
export const WEBHOOKS_TOPIC = 'sys:webhooks';

export interface Ctx {
  config: Config;
  db: Kysely<DB>;
  dialect: Dialect;
  /** All user-visible writes go through here (group commit; events after commit). */
  writes: WriteQueue<DB, Envelope>;
  bus: Bus<BusEvent>;
  clock: Clock;
  log: Logger;
  mediaDir: string;
  codeSender: CodeSender;
  /** Two-step verification emails (PIN reset codes). */
  emailSender: EmailSender;
  metrics: Metrics;
  /** In-process domain hooks (after-commit reactions of one module to another's writes). */
  hooks: Hooks;
}

/** Who is asking: a signed-in device of an account. */
export interface Actor {
  accountId: string;
  deviceId: string;
}
