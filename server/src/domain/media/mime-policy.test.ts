import { describe, expect, it } from 'vitest';
import { checkDeclaredType, OGG_OPUS, parseType, resolveMediaType } from './mime-policy.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('mime policy', () => {
  it('parses Content-Type values, resolving aliases and keeping a charset', () => {
    expect(parseType('Image/JPG')).toEqual({ essence: 'image/jpeg', charset: null });
    expect(parseType('text/plain; charset="UTF-8"')).toEqual({ essence: 'text/plain', charset: 'utf-8' });
    expect(parseType(undefined).essence).toBe('application/octet-stream');
    expect(parseType('not a type').essence).toBe('application/octet-stream');
  });

  it('refuses a declared type the kind never takes before reading anything', () => {
    expect(code(() => checkDeclaredType('image', 'application/pdf'))).toBe('MEDIA_TYPE_UNSUPPORTED');
    expect(code(() => checkDeclaredType('sticker', 'image/png'))).toBe('MEDIA_TYPE_UNSUPPORTED');
    expect(code(() => checkDeclaredType('video', 'video/quicktime'))).toBe('MEDIA_TYPE_UNSUPPORTED');
    expect(code(() => checkDeclaredType('image', 'image/jpg'))).toBeUndefined();
    expect(code(() => checkDeclaredType('image', 'application/octet-stream'))).toBeUndefined();
    expect(code(() => checkDeclaredType('image', undefined))).toBeUndefined();
    expect(code(() => checkDeclaredType('document', 'text/html'))).toBeUndefined();
  });

  it('takes each kind in its WhatsApp formats', () => {
    expect(resolveMediaType('image', 'image/jpeg', 'image/jpeg')).toBe('image/jpeg');
    expect(resolveMediaType('image', 'image/png', 'image/apng')).toBe('image/png');
    expect(resolveMediaType('sticker', 'image/webp', 'image/webp')).toBe('image/webp');
    expect(resolveMediaType('audio', 'audio/mpeg', 'audio/mpeg')).toBe('audio/mpeg');
    expect(resolveMediaType('audio', 'audio/aac', 'audio/aac')).toBe('audio/aac');
    expect(resolveMediaType('audio', 'audio/amr', 'audio/amr')).toBe('audio/amr');
    expect(resolveMediaType('audio', 'audio/x-m4a', 'audio/x-m4a')).toBe('audio/mp4');
    expect(resolveMediaType('audio', 'audio/mp4', 'video/mp4')).toBe('audio/mp4');
    expect(resolveMediaType('audio', 'audio/ogg', OGG_OPUS)).toBe(OGG_OPUS);
    expect(resolveMediaType('audio', 'audio/opus', OGG_OPUS)).toBe(OGG_OPUS);
    expect(resolveMediaType('video', 'video/mp4', 'video/mp4')).toBe('video/mp4');
    expect(resolveMediaType('video', 'video/3gp', 'video/3gpp')).toBe('video/3gpp');
  });

  it('lets the content decide when the declared type is generic', () => {
    expect(resolveMediaType('image', 'application/octet-stream', 'image/png')).toBe('image/png');
    expect(resolveMediaType('audio', undefined, 'video/mp4')).toBe('audio/mp4');
    expect(resolveMediaType('document', undefined, undefined)).toBe('application/octet-stream');
    expect(code(() => resolveMediaType('image', undefined, undefined))).toBe('MEDIA_TYPE_UNSUPPORTED');
    expect(code(() => resolveMediaType('image', undefined, 'application/pdf'))).toBe('MEDIA_TYPE_UNSUPPORTED');
  });

  it('refuses content that contradicts the declared type', () => {
    expect(code(() => resolveMediaType('image', 'image/jpeg', 'image/png'))).toBe('MEDIA_TYPE_MISMATCH');
    expect(code(() => resolveMediaType('sticker', 'image/webp', 'image/png'))).toBe('MEDIA_TYPE_MISMATCH');
    expect(code(() => resolveMediaType('image', 'image/png', undefined))).toBe('MEDIA_TYPE_MISMATCH');
    expect(code(() => resolveMediaType('document', 'application/pdf', undefined))).toBe('MEDIA_TYPE_MISMATCH');
    expect(code(() => resolveMediaType('document', 'text/plain', 'application/pdf'))).toBe('MEDIA_TYPE_MISMATCH');
  });

  it('refuses Ogg audio that is not Opus, and video/quicktime', () => {
    expect(code(() => resolveMediaType('audio', 'audio/ogg', 'audio/ogg'))).toBe('MEDIA_TYPE_UNSUPPORTED');
    expect(code(() => resolveMediaType('video', undefined, 'video/quicktime'))).toBe('MEDIA_TYPE_UNSUPPORTED');
  });

  it('takes any document, keeping the specific declared type inside a generic container', () => {
    expect(resolveMediaType('document', 'text/plain; charset=UTF-8', undefined)).toBe('text/plain; charset=utf-8');
    expect(resolveMediaType('document', 'text/csv', undefined)).toBe('text/csv');
    expect(resolveMediaType('document', 'application/pdf', 'application/pdf')).toBe('application/pdf');
    expect(resolveMediaType('document', 'application/msword', 'application/x-cfb')).toBe('application/msword');
    const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    expect(resolveMediaType('document', docx, docx)).toBe(docx);
    expect(resolveMediaType('document', docx, 'application/zip')).toBe(docx);
    expect(resolveMediaType('document', 'image/svg+xml', 'application/xml')).toBe('image/svg+xml');
    expect(resolveMediaType('document', 'application/octet-stream', 'image/png')).toBe('image/png');
    expect(resolveMediaType('document', 'audio/ogg', 'audio/ogg')).toBe('audio/ogg');
  });
});

describe('browser-made media in the chat network', () => {
  it('accepts WebM voice notes as audio and WebM video', () => {
    expect(resolveMediaType('audio', 'audio/webm;codecs=opus', 'video/webm')).toBe('audio/webm');
    expect(resolveMediaType('video', 'video/webm', 'video/webm')).toBe('video/webm');
  });
  it('accepts WebP and GIF images', () => {
    expect(resolveMediaType('image', 'image/webp', 'image/webp')).toBe('image/webp');
    expect(resolveMediaType('image', 'image/gif', 'image/gif')).toBe('image/gif');
  });
});
