/**
 * @module contracts/automation
 * Quick replies and the greeting and away messages of a business.
 */
import { Type, type Static } from '@sinclair/typebox';

export {
  MAX_QUICK_REPLIES,
  QUICK_REPLY_TEXT_MAX,
  QUICK_REPLY_SHORTCUT_PATTERN,
  AUTOMATION_TEXT_MAX,
  GREETING_SILENCE_MS,
  MAX_RECIPIENT_PHONES,
} from './business-tools-constants.js';

export const QuickReply = Type.Object({
  id: Type.String(),
  shortcut: Type.String(),
  text: Type.String(),
  /** Media the business uploaded, sent with the text (as its caption) when the reply is used. */
  media: Type.Union([Type.Object({ id: Type.String(), kind: Type.String(), mimeType: Type.String(), fileName: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  createdAt: Type.Number(),
  updatedAt: Type.Number(),
});
export type QuickReply = Static<typeof QuickReply>;

export const Recipients = Type.Union([Type.Literal('everyone'), Type.Literal('not_in_contacts'), Type.Literal('except'), Type.Literal('only')]);
export type Recipients = Static<typeof Recipients>;

export const GreetingSettings = Type.Object({
  enabled: Type.Boolean(),
  text: Type.String(),
  recipients: Recipients,
  /** E.164 numbers for 'except' and 'only'. */
  phones: Type.Array(Type.String()),
});
export type GreetingSettings = Static<typeof GreetingSettings>;

export const AwaySchedule = Type.Union([Type.Literal('always'), Type.Literal('custom'), Type.Literal('outside_hours')]);
export type AwaySchedule = Static<typeof AwaySchedule>;

export const AwaySettings = Type.Object({
  enabled: Type.Boolean(),
  text: Type.String(),
  schedule: AwaySchedule,
  /** For 'custom': the away range [start, end) in epoch ms. */
  start: Type.Union([Type.Number(), Type.Null()]),
  end: Type.Union([Type.Number(), Type.Null()]),
  recipients: Recipients,
  phones: Type.Array(Type.String()),
});
export type AwaySettings = Static<typeof AwaySettings>;

export const AutomationSettings = Type.Object({ greeting: GreetingSettings, away: AwaySettings });
export type AutomationSettings = Static<typeof AutomationSettings>;
