/**
 * @module contracts/commerce
 * The catalog, cart and orders of a business (tier 2): products, collections, orders, their limits,
 * and the money helpers both the server and the web app use. Prices travel as integers in the
 * currency's minor units (cents for EUR, yen for JPY, fils for KWD); people type and read them as
 * decimal strings, converted with the currency's digits as Intl knows them.
 */
import { Type, type Static } from '@sinclair/typebox';
import { OrderStatusSchema } from './content.js';

export const CATALOG_LIMITS = {
  products: 500,
  collections: 50,
  images: 10,
  name: 200,
  description: 1000,
  link: 2048,
  retailerId: 100,
  collectionName: 100,
  orderItems: 100,
  quantity: 999,
  note: 500,
  /** The largest price in major units (one billion), whatever the currency. */
  maxMajor: 1_000_000_000,
} as const;

export const ORDER_STATUSES = ['pending', 'confirmed', 'shipped', 'completed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export { OrderStatusSchema };

/** Which status may follow which: forward one step at a time, or cancelled until completed. */
export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['shipped', 'cancelled'],
  shipped: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export const Product = Type.Object({
  id: Type.String(),
  businessId: Type.String(),
  name: Type.String(),
  description: Type.String(),
  /** Decimal string in major units, as typed ("12.50"). */
  price: Type.String(),
  /** The same price in minor units (1250). */
  priceMinor: Type.Integer(),
  currency: Type.String(),
  imageMediaIds: Type.Array(Type.String()),
  link: Type.Union([Type.String(), Type.Null()]),
  retailerId: Type.Union([Type.String(), Type.Null()]),
  hidden: Type.Boolean(),
  createdAt: Type.Number(),
  updatedAt: Type.Number(),
});
export type Product = Static<typeof Product>;

export const Collection = Type.Object({
  id: Type.String(),
  name: Type.String(),
  position: Type.Integer(),
  /** In the collection's order (for a customer: visible products only). */
  productIds: Type.Array(Type.String()),
});
export type Collection = Static<typeof Collection>;

/** A page of a catalog: products (filtered by search or collection), their total, and the collections. */
export const CatalogPage = Type.Object({
  businessId: Type.String(),
  businessName: Type.String(),
  products: Type.Array(Product),
  total: Type.Integer(),
  offset: Type.Integer(),
  limit: Type.Integer(),
  collections: Type.Array(Collection),
});
export type CatalogPage = Static<typeof CatalogPage>;

export const OrderItem = Type.Object({
  productId: Type.String(),
  name: Type.String(),
  quantity: Type.Integer(),
  unitPrice: Type.Integer(),
  retailerId: Type.Optional(Type.String()),
});
export type OrderItem = Static<typeof OrderItem>;

export const Order = Type.Object({
  id: Type.String(),
  businessId: Type.String(),
  customerId: Type.String(),
  chatId: Type.String(),
  messageId: Type.String(),
  items: Type.Array(OrderItem),
  currency: Type.String(),
  total: Type.Integer(),
  note: Type.String(),
  status: OrderStatusSchema,
  createdAt: Type.Number(),
  updatedAt: Type.Number(),
});
export type Order = Static<typeof Order>;

// ---- money --------------------------------------------------------------------------------------

let known: Set<string> | null = null;

/** True for an ISO 4217 code Intl knows (an arbitrary three letters is not a currency). */
export function isKnownCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  known ??= new Set(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : []);
  return known.has(code);
}

/** The currency's minor-unit digits (EUR 2, JPY 0, KWD 3). Call with a known currency. */
export function currencyDigits(code: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * "12.50" in EUR → 1250. Returns null when the text is not a plain non-negative decimal, has more
 * decimals than the currency allows, or exceeds CATALOG_LIMITS.maxMajor.
 */
export function parsePrice(text: string, currency: string): number | null {
  const m = /^(\d{1,10})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const digits = currencyDigits(currency);
  const fraction = m[2] ?? '';
  if (fraction.length > digits) return null;
  const major = Number(m[1]);
  if (major > CATALOG_LIMITS.maxMajor || (major === CATALOG_LIMITS.maxMajor && /[1-9]/.test(fraction))) return null;
  return major * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/** 1250 in EUR → "12.50"; 500 in JPY → "500". */
export function minorToDecimal(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  if (digits === 0) return String(minor);
  const s = String(minor).padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/** A price for people, in their locale: 1250 EUR → "€12.50" (en) or "12,50 €" (fr). */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** digits);
}
