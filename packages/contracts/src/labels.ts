/**
 * @module contracts/labels
 * Labels of a business: the 20-colour palette, the five default labels and the shapes the API
 * returns. A label's colour is stored and sent as its index in LABEL_COLORS.
 */
import { Type, type Static } from '@sinclair/typebox';

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

export const LabelColor = Type.Integer({ minimum: 0, maximum: LABEL_COLORS.length - 1 });

export const Label = Type.Object({
  id: Type.String(),
  name: Type.String(),
  color: LabelColor,
  /** Set for a default label until it is renamed (the app shows its translated name). */
  defaultKey: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.Number(),
  updatedAt: Type.Number(),
});
export type Label = Static<typeof Label>;

/** Which chats and messages carry each label (the chat list filters with it). */
export const LabelAssignments = Type.Object({
  labels: Type.Array(
    Type.Object({
      labelId: Type.String(),
      chatIds: Type.Array(Type.String()),
      messages: Type.Array(Type.Object({ messageId: Type.String(), chatId: Type.String() })),
    }),
  ),
});
export type LabelAssignments = Static<typeof LabelAssignments>;
