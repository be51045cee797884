/**
 * The customer's cart, one per business, kept on the device (localStorage) until it is sent as an
 * order. Lines keep a snapshot of the product (name, price, currency, first image) for display; the
 * server recomputes prices when the order is sent.
 */
import { useSyncExternalStore } from 'react';
import { CATALOG_LIMITS, type Product } from '#contracts/commerce.js';

export interface CartLine {
  productId: string;
  name: string;
  priceMinor: number;
  currency: string;
  imageMediaId: string | null;
  quantity: number;
}

const PREFIX = 'parley.cart.';
const listeners = new Set<() => void>();
/** Parsed carts by their stored text, so an unchanged cart is the same array (a stable snapshot). */
const cache = new Map<string, { raw: string | null; lines: CartLine[] }>();
const EMPTY: CartLine[] = [];

function stored(businessId: string): string | null {
  try {
    return localStorage.getItem(PREFIX + businessId);
  } catch {
    return cache.get(businessId)?.raw ?? null;
  }
}

function read(businessId: string): CartLine[] {
  const raw = stored(businessId);
  const hit = cache.get(businessId);
  if (hit && hit.raw === raw) return hit.lines;
  let lines: CartLine[] = EMPTY;
  try {
    if (raw) lines = (JSON.parse(raw) as CartLine[]).filter((l) => l && typeof l.productId === 'string' && Number.isInteger(l.quantity) && l.quantity > 0);
  } catch {
    lines = EMPTY;
  }
  cache.set(businessId, { raw, lines });
  return lines;
}

function write(businessId: string, lines: CartLine[]): void {
  const raw = lines.length ? JSON.stringify(lines) : null;
  cache.set(businessId, { raw, lines });
  try {
    if (raw) localStorage.setItem(PREFIX + businessId, raw);
    else localStorage.removeItem(PREFIX + businessId);
  } catch {
    // storage full or unavailable: the cart lives in memory only
  }
  listeners.forEach((l) => l());
}

export const cart = {
  lines: read,
  add(businessId: string, p: Product, quantity = 1): void {
    const lines = read(businessId);
    const existing = lines.find((l) => l.productId === p.id);
    if (existing) return cart.setQuantity(businessId, p.id, existing.quantity + quantity);
    write(businessId, [...lines, { productId: p.id, name: p.name, priceMinor: p.priceMinor, currency: p.currency, imageMediaId: p.imageMediaIds[0] ?? null, quantity: Math.min(quantity, CATALOG_LIMITS.quantity) }]);
  },
  /** 0 removes the line; at most 999. */
  setQuantity(businessId: string, productId: string, quantity: number): void {
    const q = Math.max(0, Math.min(CATALOG_LIMITS.quantity, Math.floor(quantity) || 0));
    const lines = read(businessId);
    write(
      businessId,
      q === 0 ? lines.filter((l) => l.productId !== productId) : lines.map((l) => (l.productId === productId ? { ...l, quantity: q } : l)),
    );
  },
  remove(businessId: string, productId: string): void {
    cart.setQuantity(businessId, productId, 0);
  },
  clear(businessId: string): void {
    write(businessId, []);
  },
};

/** The cart of a business, re-rendering on change. */
export function useCart(businessId: string): CartLine[] {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    () => read(businessId),
  );
}

/** Total per currency (a cart normally has one). */
export function cartTotals(lines: CartLine[]): { currency: string; total: number }[] {
  const totals = new Map<string, number>();
  for (const l of lines) totals.set(l.currency, (totals.get(l.currency) ?? 0) + l.priceMinor * l.quantity);
  return [...totals].map(([currency, total]) => ({ currency, total }));
}
