/**
 * @module domain/automation/engine
 * Greeting and away messages: reacts (through ctx.hooks, after commit) to each message a customer
 * sends to a business and answers as the business through the ordinary sendMessage.
 *
 * - Greeting: when the customer message is the first of the chat, or the first after at least
 *   14 days (GREETING_SILENCE_MS) without any message in the chat.
 * - Away: when the message arrives in an away period (see awayPeriodKey); at most one away message
 *   per chat and period, claimed in automation_sends before sending.
 * - Both: the greeting first, then the away message.
 * - Never for a withheld message (the business blocked the customer), never to a customer who
 *   blocked the business, never in reaction to an automated message (sent by the AUTOMATION_DEVICE).
 * - Client ids derive from the customer message id, so a retry can never send twice.
 */
import { GREETING_SILENCE_MS, type AwaySettings, type GreetingSettings, type Recipients } from '#contracts/automation.js';
import type { BusinessHours } from '#contracts/business.js';
import type { Ctx } from '../../context.js';
import type { MessageSentEvent } from '../../platform/hooks/hooks.js';
import { sendMessage } from '../messaging/index.js';
import { accountKindOf } from '../accounts/index.js';
import { openStateAt } from './hours.js';

/** The device id automated messages are sent from (they never trigger automation again). */
export const AUTOMATION_DEVICE = 'automation';

/** Register the automation reactions on the server's hooks (once per server). */
export function installAutomation(ctx: Ctx): void {
  ctx.hooks.onMessageSent((event) => reactToCustomerMessage(ctx, event), { businessChatsOnly: true });
}

/**
 * The away period the instant t falls in, as a stable key, or null when the business is not away.
 * 'always': from when the away message was turned on (epoch); 'custom': the range [start, end);
 * 'outside_hours': the closed interval of the profile's hours in its time zone, keyed by when it
 * began. Every key carries the epoch, so turning the message on again starts a new period.
 */
export function awayPeriodKey(away: AwaySettings, epoch: number, t: number, profile: { hours: BusinessHours; timezone: string }): string | null {
  if (!away.enabled) return null;
  if (away.schedule === 'always') return t >= epoch ? `always:${epoch}` : null;
  if (away.schedule === 'custom') {
    if (away.start == null || away.end == null || t < away.start || t >= away.end) return null;
    return `custom:${epoch}:${away.start}-${away.end}`;
  }
  const state = openStateAt(t, profile.hours, profile.timezone);
  if (state.open) return null;
  return `hours:${epoch}:${state.closedSince ?? 'never-open'}`;
}

async function inScope(ctx: Ctx, businessId: string, customerPhone: string, recipients: Recipients, phones: string[]): Promise<boolean> {
  switch (recipients) {
    case 'everyone':
      return true;
    case 'except':
      return !phones.includes(customerPhone);
    case 'only':
      return phones.includes(customerPhone);
    case 'not_in_contacts': {
      const saved = await ctx.db.selectFrom('contacts').select('phone').where('owner_id', '=', businessId).where('phone', '=', customerPhone).executeTakeFirst();
      return !saved;
    }
  }
}

export async function reactToCustomerMessage(ctx: Ctx, event: MessageSentEvent): Promise<void> {
  if (event.withheld || event.senderDeviceId === AUTOMATION_DEVICE || event.memberIds.length !== 2) return;
  const businessId = event.memberIds.find((m) => m !== event.senderId);
  if (!businessId) return;
  // Most messages are between two people: no query for them.
  if ((await accountKindOf(ctx, ctx.db, businessId)) !== 'business') return;
  const business = await ctx.db
    .selectFrom('accounts as a')
    .innerJoin('business_profiles as b', 'b.account_id', 'a.id')
    .innerJoin('business_automation as s', 's.account_id', 'a.id')
    .select(['s.greeting', 's.away', 's.away_epoch', 'b.hours', 'b.timezone'])
    .where('a.id', '=', businessId)
    .where('a.kind', '=', 'business')
    .executeTakeFirst();
  if (!business) return;
  const greeting = JSON.parse(business.greeting) as GreetingSettings;
  const away = JSON.parse(business.away) as AwaySettings;
  if (!greeting.enabled && !away.enabled) return;

  const customer = await ctx.db.selectFrom('accounts').select(['id', 'phone']).where('id', '=', event.senderId).executeTakeFirst();
  if (!customer) return;
  const blocked = await ctx.db
    .selectFrom('blocks')
    .select('blocker_id')
    .where((eb) =>
      eb.or([
        eb.and([eb('blocker_id', '=', customer.id), eb('blocked_id', '=', businessId)]),
        eb.and([eb('blocker_id', '=', businessId), eb('blocked_id', '=', customer.id)]),
      ]),
    )
    .executeTakeFirst();
  if (blocked) return;

  const { message, chatId } = event;
  const t = message.createdAt;
  const actor = { accountId: businessId, deviceId: AUTOMATION_DEVICE };

  if (greeting.enabled && (await inScope(ctx, businessId, customer.phone, greeting.recipients, greeting.phones))) {
    const previous = await ctx.db
      .selectFrom('messages')
      .select('created_at')
      .where('chat_id', '=', chatId)
      .where('seq', '<', message.seq)
      .where('withheld', '=', 0)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!previous || t - Number(previous.created_at) >= GREETING_SILENCE_MS) {
      await sendMessage(ctx, actor, { chatId, clientId: `greeting:${message.id}`, kind: 'text', content: { text: greeting.text } });
    }
  }

  if (away.enabled && (await inScope(ctx, businessId, customer.phone, away.recipients, away.phones))) {
    const periodKey = awayPeriodKey(away, Number(business.away_epoch), t, { hours: JSON.parse(business.hours) as BusinessHours, timezone: business.timezone });
    if (periodKey === null) return;
    // Claim the period for this chat; only the message that won the claim sends (a retry of it
    // sends again with the same client id, which messaging de-duplicates).
    const claim = await ctx.writes.run(async (tx) => {
      await tx
        .insertInto('automation_sends')
        .values({ business_id: businessId, chat_id: chatId, kind: 'away', period_key: periodKey, trigger_message_id: message.id, created_at: ctx.clock.now() })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return tx
        .selectFrom('automation_sends')
        .select('trigger_message_id')
        .where('business_id', '=', businessId)
        .where('chat_id', '=', chatId)
        .where('kind', '=', 'away')
        .where('period_key', '=', periodKey)
        .executeTakeFirstOrThrow();
    });
    if (claim.trigger_message_id !== message.id) return;
    await sendMessage(ctx, actor, { chatId, clientId: `away:${message.id}`, kind: 'text', content: { text: away.text } });
  }
}
