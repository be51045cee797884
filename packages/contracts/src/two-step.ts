/**
 * @module contracts/two-step
 * Two-step verification (docs/api/two-step.md): the account's state as `GET /v1/me/two-step` and
 * every settings endpoint answer it, and what "Forgot PIN" answers.
 */
import { Type, type Static } from '@sinclair/typebox';

const NullableTime = Type.Union([Type.Number(), Type.Null()]);

export const TwoStepState = Type.Object({
  enabled: Type.Boolean(),
  /** The recovery email (the owner's own), or null. */
  email: Type.Union([Type.String(), Type.Null()]),
  /** Whether this server can send emails (a recovery email can be set). */
  emailAvailable: Type.Boolean(),
  enabledAt: NullableTime,
  /** When the PIN was last set or entered correctly. */
  confirmedAt: NullableTime,
  nextReminderAt: NullableTime,
  reminderDue: Type.Boolean(),
  /** "Forgot PIN" without email was asked at this time (a reset is possible 7 days later), or null. */
  resetRequestedAt: NullableTime,
});
export type TwoStepState = Static<typeof TwoStepState>;

export type ForgotPin = { method: 'email'; emailHint: string; expiresInSeconds: number } | { method: 'wait'; resetAvailableAt: number };
