/**
 * @module contracts/business
 * The Business app tier's shared types: categories, opening hours, the business profile and the
 * badge shown next to a business's name everywhere.
 */
import { Type, type Static } from '@sinclair/typebox';

/** The fixed list of business categories (stored as these ids; the web app translates them). */
export const BUSINESS_CATEGORIES = [
  'automotive',
  'beauty_spa_salon',
  'clothing_apparel',
  'education',
  'entertainment',
  'event_planning',
  'finance_banking',
  'food_grocery',
  'public_service',
  'hotel_lodging',
  'medical_health',
  'non_profit',
  'professional_services',
  'shopping_retail',
  'travel_transportation',
  'restaurant',
  'other',
] as const;
export type BusinessCategory = (typeof BUSINESS_CATEGORIES)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** "HH:MM", 00:00–24:00. */
export const ClockTime = Type.String({ pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' });

/** One weekday: open in ranges (local time of the profile's zone), open 24 hours, closed, or by appointment. */
export const DayHours = Type.Union([
  Type.Object({ mode: Type.Literal('open'), ranges: Type.Array(Type.Object({ open: ClockTime, close: ClockTime }, { additionalProperties: false }), { minItems: 1, maxItems: 3 }) }, { additionalProperties: false }),
  Type.Object({ mode: Type.Literal('open24') }, { additionalProperties: false }),
  Type.Object({ mode: Type.Literal('closed') }, { additionalProperties: false }),
  Type.Object({ mode: Type.Literal('appointment') }, { additionalProperties: false }),
]);
export type DayHours = Static<typeof DayHours>;

/** Hours per weekday; a missing day means closed. */
export const BusinessHours = Type.Partial(Type.Object(Object.fromEntries(WEEKDAYS.map((d) => [d, DayHours])) as Record<Weekday, typeof DayHours>), { additionalProperties: false });
export type BusinessHours = Static<typeof BusinessHours>;

export const BusinessProfile = Type.Object({
  accountId: Type.String(),
  name: Type.String(),
  category: Type.String(),
  description: Type.String(),
  about: Type.String(),
  address: Type.String(),
  location: Type.Union([Type.Object({ latitude: Type.Number(), longitude: Type.Number() }), Type.Null()]),
  timezone: Type.String(),
  hours: BusinessHours,
  email: Type.String(),
  websites: Type.Array(Type.String()),
  photoMediaId: Type.Union([Type.String(), Type.Null()]),
  verified: Type.Boolean(),
  updatedAt: Type.Number(),
});
export type BusinessProfile = Static<typeof BusinessProfile>;

/**
 * What shows next to a business's name wherever it appears (chat list, header, profile). `api`: the
 * business has turned on the Business API, so its chats end at the business's own platform.
 */
export const BusinessBadge = Type.Object({ name: Type.String(), category: Type.String(), verified: Type.Boolean(), api: Type.Boolean() });
export type BusinessBadge = Static<typeof BusinessBadge>;
