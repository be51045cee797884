/**
 * @module domain/automation/settings
 * The greeting and away message settings of a business.
 * Rules: text up to 4096 characters, required (non-blank) when enabled; phones for 'except' and
 * 'only' are stored in E.164 form (at most 256); a custom away range needs start < end.
 * Turning the away message on, or changing its schedule or range, starts a new away period (so a
 * chat that already got the away message gets it again).
 */
import { AUTOMATION_TEXT_MAX, MAX_RECIPIENT_PHONES, type AutomationSettings, type AwaySettings, type GreetingSettings, type Recipients } from '#contracts/automation.js';
import { AppError } from '../../errors.js';
import type { Actor, Ctx } from '../../context.js';
import { normalizePhone } from '../accounts/index.js';
import { notifyBusinessChanged } from '../messaging/index.js';
import { accessBusiness, ensureSeeded, seedBusinessTools } from './business.js';

function checkText(enabled: boolean, text: string, path: string): string {
  if (text.length > AUTOMATION_TEXT_MAX) throw new AppError('VALIDATION_FAILED', `The message is at most ${AUTOMATION_TEXT_MAX} characters.`, { field: path });
  if (enabled && text.trim() === '') throw new AppError('VALIDATION_FAILED', 'Write the message before turning it on.', { field: path });
  return text;
}

function checkPhones(recipients: Recipients, phones: string[]): string[] {
  if (phones.length > MAX_RECIPIENT_PHONES) throw new AppError('VALIDATION_FAILED', `At most ${MAX_RECIPIENT_PHONES} numbers.`, { field: 'phones' });
  if (recipients !== 'except' && recipients !== 'only') return [];
  return [...new Set(phones.map((p) => normalizePhone(p)))];
}

export async function getAutomation(ctx: Ctx, actor: Actor): Promise<AutomationSettings> {
  const businessId = await accessBusiness(ctx.db, actor);
  await ensureSeeded(ctx, businessId);
  const row = await ctx.db.selectFrom('business_automation').select(['greeting', 'away']).where('account_id', '=', businessId).executeTakeFirstOrThrow();
  return { greeting: JSON.parse(row.greeting) as GreetingSettings, away: JSON.parse(row.away) as AwaySettings };
}

export async function updateGreeting(ctx: Ctx, actor: Actor, input: GreetingSettings): Promise<AutomationSettings> {
  const businessId = await accessBusiness(ctx.db, actor);
  const greeting: GreetingSettings = {
    enabled: input.enabled,
    text: checkText(input.enabled, input.text, 'text'),
    recipients: input.recipients,
    phones: checkPhones(input.recipients, input.phones),
  };
  await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    await seedBusinessTools(tx, businessId, now);
    await tx.updateTable('business_automation').set({ greeting: JSON.stringify(greeting), updated_at: now }).where('account_id', '=', businessId).execute();
    await notifyBusinessChanged(tx, emit, businessId, 'automation', now);
  });
  return getAutomation(ctx, actor);
}

export interface AwayInput {
  enabled: boolean;
  text: string;
  schedule: AwaySettings['schedule'];
  start?: number | null | undefined;
  end?: number | null | undefined;
  recipients: Recipients;
  phones: string[];
}

export async function updateAway(ctx: Ctx, actor: Actor, input: AwayInput): Promise<AutomationSettings> {
  const businessId = await accessBusiness(ctx.db, actor);
  let start: number | null = null;
  let end: number | null = null;
  if (input.schedule === 'custom') {
    if (input.start == null || input.end == null || input.start >= input.end) {
      throw new AppError('VALIDATION_FAILED', 'A custom away schedule needs a start before its end.', { field: 'end' });
    }
    start = input.start;
    end = input.end;
  }
  const away: AwaySettings = {
    enabled: input.enabled,
    text: checkText(input.enabled, input.text, 'text'),
    schedule: input.schedule,
    start,
    end,
    recipients: input.recipients,
    phones: checkPhones(input.recipients, input.phones),
  };
  await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const row = await seedBusinessTools(tx, businessId, now);
    const before = JSON.parse(row.away) as AwaySettings;
    const newPeriod = away.enabled && (!before.enabled || before.schedule !== away.schedule || before.start !== away.start || before.end !== away.end);
    await tx
      .updateTable('business_automation')
      .set({ away: JSON.stringify(away), updated_at: now, ...(newPeriod ? { away_epoch: now } : {}) })
      .where('account_id', '=', businessId)
      .execute();
    await notifyBusinessChanged(tx, emit, businessId, 'automation', now);
  });
  return getAutomation(ctx, actor);
}
