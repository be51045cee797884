/**
 * @module contracts/labels
 * Labels of a business: the 20-colour palette, the five default labels and the shapes the API
 * returns. A label's colour is stored and sent as its index in LABEL_COLORS.
 */
import { Type, type Static } from '@sinclair/typebox';
import { LABEL_COLORS } from './business-tools-constants.js';

export { LABEL_COLORS, MAX_LABELS, LABEL_NAME_MAX, DEFAULT_LABELS, type LabelColorName, type DefaultLabelKey } from './business-tools-constants.js';

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
