/**
 * @module contracts/business-tools-constants
 * Plain constants of the business tools (label palette and defaults, limits), without the schema
 * library, so the web app can import them cheaply. Re-exported by ./labels.ts and ./automation.ts.
 */
/** The 20 label colours, in palette order (index = the `color` the API takes and returns). */
export const LABEL_COLORS = [
  { name: 'red', hex: '#e53935' },
  { name: 'orange', hex: '#fb8c00' },
  { name: 'amber', hex: '#ffb300' },
  { name: 'yellow', hex: '#fdd835' },
  { name: 'lime', hex: '#c0ca33' },
  { name: 'green', hex: '#43a047' },
  { name: 'emerald', hex: '#00a884' },
  { name: 'teal', hex: '#00897b' },
  { name: 'cyan', hex: '#00acc1' },
  { name: 'sky', hex: '#039be5' },
  { name: 'blue', hex: '#1e88e5' },
  { name: 'indigo', hex: '#3949ab' },
  { name: 'violet', hex: '#7e57c2' },
  { name: 'purple', hex: '#8e24aa' },
  { name: 'magenta', hex: '#d81b60' },
  { name: 'pink', hex: '#f06292' },
  { name: 'brown', hex: '#6d4c41' },
  { name: 'olive', hex: '#827717' },
  { name: 'gray', hex: '#757575' },
  { name: 'slate', hex: '#546e7a' },
] as const;
export type LabelColorName = (typeof LABEL_COLORS)[number]['name'];

export const MAX_LABELS = 20;
export const LABEL_NAME_MAX = 50;

/** The labels every business starts with; `key` lets apps translate the name until it is renamed. */
export const DEFAULT_LABELS = [
  { key: 'new_customer', name: 'New customer', color: 10 },
  { key: 'new_order', name: 'New order', color: 5 },
  { key: 'pending_payment', name: 'Pending payment', color: 1 },
  { key: 'paid', name: 'Paid', color: 6 },
  { key: 'order_complete', name: 'Order complete', color: 12 },
] as const;
export type DefaultLabelKey = (typeof DEFAULT_LABELS)[number]['key'];

export const MAX_QUICK_REPLIES = 50;
export const QUICK_REPLY_TEXT_MAX = 4096;
/** `/refund`: letters, digits, _ and -, 1..24 characters (stored without the slash). */
export const QUICK_REPLY_SHORTCUT_PATTERN = '^[A-Za-z0-9_-]{1,24}$';

export const AUTOMATION_TEXT_MAX = 4096;
/** Greeting after this long without any message in the chat (or on the very first message). */
export const GREETING_SILENCE_MS = 14 * 24 * 3600 * 1000;
export const MAX_RECIPIENT_PHONES = 256;
