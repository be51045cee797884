/**
 * @module contracts/api-analytics
 * Conversation and message analytics of a Business API number by category
 * (`GET /v1/business/api/analytics`), days being calendar days in the business's time zone.
 */
import { Type, type Static } from '@sinclair/typebox';

/** The longest period one request may cover, in days. */
export const API_ANALYTICS_MAX_DAYS = 90;

/** The pricing categories, in the order screens list them. */
export const ANALYTICS_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION', 'SERVICE'] as const;
export type AnalyticsCategory = (typeof ANALYTICS_CATEGORIES)[number];

export const CategoryCounts = Type.Object({
  MARKETING: Type.Integer({ minimum: 0 }),
  UTILITY: Type.Integer({ minimum: 0 }),
  AUTHENTICATION: Type.Integer({ minimum: 0 }),
  SERVICE: Type.Integer({ minimum: 0 }),
});
export type CategoryCounts = Static<typeof CategoryCounts>;

export const AnalyticsMessages = Type.Object({ sent: CategoryCounts, delivered: CategoryCounts, read: CategoryCounts });
export type AnalyticsMessages = Static<typeof AnalyticsMessages>;

export const AnalyticsDay = Type.Object({
  date: Type.String({ description: 'YYYY-MM-DD in the business time zone' }),
  conversations: CategoryCounts,
  messages: AnalyticsMessages,
});
export type AnalyticsDay = Static<typeof AnalyticsDay>;

export const ApiAnalytics = Type.Object({
  timeZone: Type.String(),
  days: Type.Array(AnalyticsDay),
  totals: Type.Object({ conversations: CategoryCounts, messages: AnalyticsMessages }),
});
export type ApiAnalytics = Static<typeof ApiAnalytics>;
