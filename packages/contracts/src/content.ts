/**
 * @module contracts/content
 * The content object of each message kind. The server checks kind, size and references; the
 * content itself stays opaque to the server's logic (it becomes ciphertext with end-to-end
 * encryption), but its shape is validated here so every client renders the same thing.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { MessageKind } from './models.js';

const Caption = Type.Optional(Type.String({ maxLength: 1024 }));
/** A small inline preview (base64 JPEG/PNG/WebP) made by the sending device. */
const Thumbnail = Type.Optional(Type.String({ maxLength: 16384 }));
const Dimension = Type.Optional(Type.Integer({ minimum: 1, maximum: 20000 }));
const DurationMs = Type.Optional(Type.Integer({ minimum: 0, maximum: 24 * 3600 * 1000 }));

export const TextContent = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 65536 }), linkPreview: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const ImageContent = Type.Object(
  { caption: Caption, width: Dimension, height: Dimension, thumbnail: Thumbnail },
  { additionalProperties: false },
);
export const VideoContent = Type.Object(
  { caption: Caption, width: Dimension, height: Dimension, durationMs: DurationMs, thumbnail: Thumbnail },
  { additionalProperties: false },
);
export const AudioContent = Type.Object({ durationMs: DurationMs }, { additionalProperties: false });
export const VoiceContent = Type.Object(
  { durationMs: DurationMs, waveform: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 100 }), { maxItems: 128 })) },
  { additionalProperties: false },
);
export const DocumentContent = Type.Object(
  { fileName: Type.String({ minLength: 1, maxLength: 255 }), caption: Caption, pageCount: Type.Optional(Type.Integer({ minimum: 1 })), thumbnail: Thumbnail },
  { additionalProperties: false },
);
export const StickerContent = Type.Object({ animated: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const LocationContent = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    name: Type.Optional(Type.String({ maxLength: 256 })),
    address: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export const ContactCard = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    phones: Type.Array(Type.Object({ number: Type.String({ maxLength: 32 }), label: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false }), { maxItems: 10 }),
    emails: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 10 })),
    organization: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
export const ContactContent = Type.Object({ contacts: Type.Array(ContactCard, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false });

export const contentSchemas: Record<MessageKind, TSchema> = {
  text: TextContent,
  image: ImageContent,
  video: VideoContent,
  audio: AudioContent,
  voice: VoiceContent,
  document: DocumentContent,
  sticker: StickerContent,
  location: LocationContent,
  contact: ContactContent,
};

export type TextContent = Static<typeof TextContent>;
export type LocationContent = Static<typeof LocationContent>;
export type ContactContent = Static<typeof ContactContent>;
export type DocumentContent = Static<typeof DocumentContent>;

/** Kinds whose content the author may edit (within 15 minutes). */
export const EDITABLE_KINDS: readonly MessageKind[] = ['text', 'image', 'video', 'document'];

/** Largest serialized content, in bytes. */
export const MAX_CONTENT_BYTES = 48 * 1024;
