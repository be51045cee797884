/**
 * The composer: Enter sends, Shift+Enter makes a new line, Escape leaves reply or edit mode; the
 * draft is kept per chat and the text area grows with its text. Emoji picker, attachments
 * (photo/video with caption, document, location, contact card) and voice notes (the mic button,
 * shown while the text is empty).
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Chat } from '#contracts/models.js';
import { useI18n } from '../../i18n/index.js';
import { newClientId, store, useStore, type ClientMessage } from '../../lib/store.js';
import { errorMessage } from '../auth/auth-screen.js';
import { AttachIcon, CheckIcon, CloseIcon, EmojiIcon, MicIcon, SendIcon, TrashIcon } from '../../ui/icons.js';
import { AttachMenu, ContactDialog, FilePreviewDialog, LocationDialog, type AttachChoice } from './attach-dialogs.js';
import { EmojiPicker } from './emoji-picker.js';
import { Quote, senderName } from './message-bubble.js';
import { textOf } from './message-content.js';
import { computeWaveform, describeImage, describeVideo, extensionFor, formatDuration, prepareImage, safeFileName, uploadForChat } from './media.js';
import { useVoiceRecorder } from './voice-recorder.js';
import { ShareCatalogDialog } from '../commerce/share-dialog.js';
import type { QuickReply } from '#contracts/automation.js';
import { useIsBusiness } from '../business-tools/data.js';
import { QuickReplySuggest, useQuickReplySuggest } from '../business-tools/quick-reply-suggest.js';

interface Upload {
  id: string;
  name: string;
  /** Fraction of the file sent so far (0..1), once the browser reports it. */
  progress?: number;
  error?: string;
  abort: AbortController;
}

/** What an upload's work gets: where to report progress and the signal that cancels it. */
interface UploadCtl {
  onProgress(fraction: number): void;
  signal: AbortSignal;
}

export interface ComposerProps {
  chatId: string;
  chat?: Chat | undefined;
  /** The message being answered (reply mode). */
  replyTo?: ClientMessage | null;
  /** The message being edited (edit mode). */
  editing?: ClientMessage | null;
  /** Leave reply or edit mode. */
  onCancelMode?: () => void;
  /** Arrow-up in an empty composer: edit one's last message. */
  onEditLast?: () => void;
  /** After something was sent (the list scrolls to the bottom). */
  onSent?: () => void;
}

type Dialogs = { kind: 'file'; file: File; as: 'image' | 'video' | 'document' } | { kind: 'location' } | { kind: 'contact' } | { kind: 'catalog' } | null;

export function Composer({ chatId, chat, replyTo = null, editing = null, onCancelMode, onEditLast, onSent }: ComposerProps) {
  const { t } = useI18n();
  const draft = useStore((s) => s.drafts[chatId] ?? '');
  const myId = useStore((s) => s.session?.accountId ?? '');
  const [text, setText] = useState(draft);
  const [popover, setPopover] = useState<'emoji' | 'attach' | null>(null);
  const [dialog, setDialog] = useState<Dialogs>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const mediaInput = useRef<HTMLInputElement>(null);
  const docInput = useRef<HTMLInputElement>(null);
  const lastTyping = useRef(0);
  const savedDraft = useRef<string | null>(null);
  const recorder = useVoiceRecorder();
  // A business types `/` to pick a quick reply: it fills the text and attaches its media.
  const isBusiness = useIsBusiness();
  const [qrMedia, setQrMedia] = useState<QuickReply['media']>(null);
  const suggest = useQuickReplySuggest(text, isBusiness && !editing, (reply) => {
    onChange(reply.text);
    setQrMedia(reply.media);
    requestAnimationFrame(() => {
      const el = area.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
    });
  });

  useEffect(() => {
    setText(store.get().drafts[chatId] ?? '');
    area.current?.focus();
  }, [chatId]);

  // Entering edit mode puts the message's text in the box; leaving it brings the draft back.
  useEffect(() => {
    if (editing) {
      if (savedDraft.current === null) savedDraft.current = area.current?.value ?? '';
      setText(textOf(editing));
      setError(null);
      requestAnimationFrame(() => {
        const el = area.current;
        if (el) {
          el.focus();
          el.setSelectionRange(el.value.length, el.value.length);
        }
      });
    } else if (savedDraft.current !== null) {
      setText(savedDraft.current);
      savedDraft.current = null;
    }
  }, [editing]);

  useEffect(() => {
    if (replyTo) area.current?.focus();
  }, [replyTo]);

  useEffect(() => {
    if (editing) return;
    const timer = setTimeout(() => store.setDraft(chatId, text), 300);
    return () => clearTimeout(timer);
  }, [chatId, text, editing]);

  // The box grows with its text, up to a limit (then it scrolls).
  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
  }, [text]);

  // While recording, tell the other side (again every few seconds, as typing does).
  useEffect(() => {
    if (!recorder.recording) return;
    store.typing(chatId, 'recording');
    const timer = setInterval(() => store.typing(chatId, 'recording'), 4000);
    return () => {
      clearInterval(timer);
      store.typing(chatId, 'paused');
    };
  }, [recorder.recording, chatId]);

  const closePopover = useCallback(() => {
    setPopover(null);
    if (document.activeElement === document.body || document.activeElement?.closest('.composer-popover')) area.current?.focus();
  }, []);

  const cancelMode = useCallback(() => {
    setError(null);
    onCancelMode?.();
  }, [onCancelMode]);

  const sendText = async () => {
    const body = text.trim();
    if (editing) {
      if (editing.kind === 'text' && !body) return;
      if (body === textOf(editing).trim()) return cancelMode();
      const content = { ...((editing.content ?? {}) as Record<string, unknown>) };
      if (editing.kind === 'text') content.text = body;
      else if (body) content.caption = body;
      else delete content.caption;
      setBusy(true);
      try {
        await store.edit(editing.id, content);
        cancelMode();
      } catch (err) {
        setError(errorMessage(t, err));
      } finally {
        setBusy(false);
      }
      return;
    }
    if (!body && !qrMedia) return;
    if (qrMedia) sendQuickReplyMedia(qrMedia, body);
    else void store.send(chatId, 'text', { text: body }, replyTo ? { replyTo: replyTo.id } : {});
    setQrMedia(null);
    setText('');
    store.setDraft(chatId, '');
    store.typing(chatId, 'paused');
    lastTyping.current = 0;
    if (replyTo) onCancelMode?.();
    onSent?.();
  };

  /** A quick reply's media with its text as the caption (or, when it cannot carry one, followed by the text). */
  const sendQuickReplyMedia = (media: NonNullable<QuickReply['media']>, body: string) => {
    const opts = { mediaId: media.id, ...(replyTo ? { replyTo: replyTo.id } : {}) };
    const captionable = media.kind === 'image' || media.kind === 'video' || media.kind === 'document';
    const caption = captionable && body && body.length <= 1024 ? body : '';
    const withCaption = caption ? { caption } : {};
    if (media.kind === 'image' || media.kind === 'video') void store.send(chatId, media.kind, withCaption, opts);
    else if (media.kind === 'document') void store.send(chatId, 'document', { fileName: media.fileName || 'document', ...withCaption }, opts);
    else void store.send(chatId, media.kind === 'audio' ? 'audio' : 'sticker', {}, opts);
    if (body && !caption) void store.send(chatId, 'text', { text: body });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (suggest.onKeyDown(e)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void sendText();
    } else if (e.key === 'Escape') {
      if (popover) setPopover(null);
      else if (replyTo || editing) {
        e.preventDefault();
        cancelMode();
      }
    } else if (e.key === 'ArrowUp' && !text && !editing && onEditLast) {
      e.preventDefault();
      onEditLast();
    }
  };

  const onChange = (value: string) => {
    setText(value);
    if (editing) return;
    const now = Date.now();
    if (value && now - lastTyping.current > 3000) {
      lastTyping.current = now;
      store.typing(chatId, 'composing');
    }
  };

  const insertEmoji = (emoji: string) => {
    const el = area.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + emoji + text.slice(end);
    onChange(next);
    requestAnimationFrame(() => {
      if (!el) return;
      el.focus();
      const caret = start + emoji.length;
      el.setSelectionRange(caret, caret);
    });
  };

  // ---- attachments ------------------------------------------------------------------------------

  /** Upload a file, then send the message that carries it. Progress and errors show above the box. */
  const upload = async (name: string, work: (ctl: UploadCtl) => Promise<void>) => {
    const id = newClientId();
    const abort = new AbortController();
    setUploads((u) => [...u, { id, name, abort }]);
    const onProgress = (fraction: number) => setUploads((u) => u.map((x) => (x.id === id ? { ...x, progress: fraction } : x)));
    try {
      await work({ onProgress, signal: abort.signal });
      setUploads((u) => u.filter((x) => x.id !== id));
      onSent?.();
    } catch (err) {
      if (abort.signal.aborted) setUploads((u) => u.filter((x) => x.id !== id));
      else setUploads((u) => u.map((x) => (x.id === id ? { ...x, error: errorMessage(t, err) } : x)));
    }
  };

  const quote = replyTo ? { replyTo: replyTo.id } : {};

  const sendFile = (file: File, as: 'image' | 'video' | 'document', caption: string) => {
    setDialog(null);
    if (replyTo) onCancelMode?.();
    const name = safeFileName(file.name || as);
    void upload(name, async (ctl) => {
      const withCaption = caption ? { caption } : {};
      if (as === 'image') {
        const blob = await prepareImage(file);
        const info = await describeImage(blob);
        const fileName = blob === file ? name : name.replace(/\.[^.]+$/, '') + '.jpg';
        // End-to-end encrypted chats: the medium is encrypted here and its thumbnail made here; both travel encrypted.
        const uploaded = await uploadForChat(chatId, blob, 'image', fileName, ctl);
        await store.send(chatId, 'image', { ...withCaption, ...info }, { ...uploaded, ...quote });
      } else if (as === 'video') {
        // The poster frame is drawn here (a <video> and a canvas), before the file is encrypted.
        const info = await describeVideo(file);
        const uploaded = await uploadForChat(chatId, file, 'video', name, ctl);
        await store.send(chatId, 'video', { ...withCaption, ...info }, { ...uploaded, ...quote });
      } else {
        const uploaded = await uploadForChat(chatId, file, 'document', name, ctl);
        await store.send(chatId, 'document', { fileName: name, ...withCaption }, { ...uploaded, ...quote });
      }
    });
  };

  const onPickAttach = (choice: AttachChoice) => {
    setPopover(null);
    if (choice === 'media') mediaInput.current?.click();
    else if (choice === 'document') docInput.current?.click();
    else setDialog({ kind: choice });
  };

  const sendVoice = async () => {
    const rec = await recorder.stop();
    if (!rec || rec.durationMs < 500) return;
    const name = `voice-${new Date().toISOString().replace(/[:.]/g, '-')}.${extensionFor(rec.mimeType)}`;
    if (replyTo) onCancelMode?.();
    void upload(t('composer.voiceNote'), async (ctl) => {
      const [uploaded, waveform] = await Promise.all([uploadForChat(chatId, rec.blob, 'audio', name, ctl), computeWaveform(rec.blob)]);
      await store.send(chatId, 'voice', { durationMs: Math.round(rec.durationMs), ...(waveform ? { waveform } : {}) }, { ...uploaded, ...quote });
    });
  };

  const startVoice = async () => {
    setError(null);
    const err = await recorder.start();
    if (err) setError(t(err === 'denied' ? 'composer.micUnavailable' : 'composer.recorderUnsupported'));
  };

  const empty = !text.trim() && !qrMedia;
  const quotedName = replyTo ? senderName(t, replyTo, chat, myId) : '';

  return (
    <div className="composer-wrap">
      {uploads.length > 0 && (
        <ul className="uploads" aria-live="polite">
          {uploads.map((u) => (
            <li key={u.id} className={u.error ? 'upload failed' : 'upload'} role={u.error ? 'alert' : 'status'}>
              {!u.error && u.progress === undefined && <span className="spinner" aria-hidden="true" />}
              <span className="upload-text">
                {u.error
                  ? t('composer.uploadFailed', { name: u.name, reason: u.error })
                  : u.progress === undefined
                    ? t('composer.uploading', { name: u.name })
                    : t('composer.uploadingPercent', { name: u.name, percent: Math.floor(u.progress * 100) })}
              </span>
              {!u.error && u.progress !== undefined && <progress className="upload-progress" max={1} value={u.progress} aria-label={t('composer.uploadProgress', { name: u.name })} />}
              {!u.error && (
                <button type="button" className="icon-btn small" aria-label={t('composer.cancelUpload', { name: u.name })} title={t('composer.cancelUpload', { name: u.name })} onClick={() => u.abort.abort()}>
                  <CloseIcon />
                </button>
              )}
              {u.error && (
                <button type="button" className="icon-btn small" aria-label={t('composer.dismiss')} title={t('composer.dismiss')} onClick={() => setUploads((all) => all.filter((x) => x.id !== u.id))}>
                  <CloseIcon />
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {(replyTo || editing) && (
        <div className="composer-mode">
          {editing ? (
            <div className="composer-mode-body">
              <strong className="composer-mode-title">{t('composer.editing')}</strong>
              <span className="composer-mode-text">{textOf(editing)}</span>
            </div>
          ) : (
            <div className="composer-mode-body">
              <span className="sr-only">{t('composer.replyingTo', { name: quotedName })}</span>
              <Quote m={replyTo ?? undefined} chat={chat} myId={myId} />
            </div>
          )}
          <button type="button" className="icon-btn small" onClick={cancelMode} aria-label={t('composer.cancel')} title={t('composer.cancel')}>
            <CloseIcon />
          </button>
        </div>
      )}
      {error && (
        <p className="composer-error error-text" role="alert">
          {error}
        </p>
      )}
      <QuickReplySuggest state={suggest} />
      {qrMedia && !editing && (
        <div className="qr-attached">
          <span>📎 {t('tools.qr.attached', { name: qrMedia.fileName ?? qrMedia.kind })}</span>
          <button type="button" className="icon-btn small" aria-label={t('tools.qr.removeMedia')} title={t('tools.qr.removeMedia')} onClick={() => setQrMedia(null)}>
            <CloseIcon />
          </button>
        </div>
      )}
      {popover === 'emoji' && <EmojiPicker onPick={insertEmoji} onClose={closePopover} />}
      {popover === 'attach' && <AttachMenu onPick={onPickAttach} onClose={closePopover} />}
      {recorder.recording ? (
        <div className="composer recording">
          <button type="button" className="icon-btn" onClick={recorder.cancel} aria-label={t('composer.cancelRecording')} title={t('composer.cancelRecording')}>
            <TrashIcon />
          </button>
          <div className="recording-status" role="timer" aria-label={t('composer.recording', { time: formatDuration(recorder.elapsed) })}>
            <span className="rec-dot" aria-hidden="true" />
            <span>{formatDuration(recorder.elapsed)}</span>
          </div>
          <button type="button" className="icon-btn send-btn" onClick={() => void sendVoice()} aria-label={t('composer.stopRecording')} title={t('composer.stopRecording')}>
            <SendIcon />
          </button>
        </div>
      ) : (
        <div className="composer">
          <button
            type="button"
            className="icon-btn emoji-btn"
            aria-label={t('composer.emoji')}
            title={t('composer.emoji')}
            aria-expanded={popover === 'emoji'}
            onClick={() => setPopover((p) => (p === 'emoji' ? null : 'emoji'))}
          >
            <EmojiIcon />
          </button>
          {!editing && (
            <button
              type="button"
              className="icon-btn attach-btn"
              aria-label={t('composer.attach')}
              title={t('composer.attach')}
              aria-haspopup="menu"
              aria-expanded={popover === 'attach'}
              onClick={() => setPopover((p) => (p === 'attach' ? null : 'attach'))}
            >
              <AttachIcon />
            </button>
          )}
          <textarea
            ref={area}
            rows={1}
            value={text}
            placeholder={t('composer.placeholder')}
            aria-label={editing ? t('composer.editing') : t('composer.placeholder')}
            onChange={(e) => onChange(e.target.value)}
            onKeyDown={onKeyDown}
            {...suggest.inputProps}
          />
          {editing ? (
            <button type="button" className="icon-btn send-btn" onClick={() => void sendText()} aria-label={t('composer.save')} title={t('composer.save')} disabled={busy || (editing.kind === 'text' && empty)}>
              <CheckIcon />
            </button>
          ) : empty ? (
            <button type="button" className="icon-btn send-btn mic-btn" onClick={() => void startVoice()} aria-label={t('composer.record')} title={t('composer.record')}>
              <MicIcon />
            </button>
          ) : (
            <button type="button" className="icon-btn send-btn" onClick={() => void sendText()} aria-label={t('composer.send')} title={t('composer.send')}>
              <SendIcon />
            </button>
          )}
        </div>
      )}
      <input
        ref={mediaInput}
        type="file"
        accept="image/*,video/*"
        hidden
        data-testid="media-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) setDialog({ kind: 'file', file, as: file.type.startsWith('video/') ? 'video' : 'image' });
        }}
      />
      <input
        ref={docInput}
        type="file"
        hidden
        data-testid="document-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) setDialog({ kind: 'file', file, as: 'document' });
        }}
      />
      {dialog?.kind === 'file' && <FilePreviewDialog file={dialog.file} kind={dialog.as} onClose={() => setDialog(null)} onSend={(caption) => sendFile(dialog.file, dialog.as, caption)} />}
      {dialog?.kind === 'location' && (
        <LocationDialog
          onClose={() => setDialog(null)}
          onSend={(v) => {
            setDialog(null);
            void store.send(chatId, 'location', { ...v }, quote);
            if (replyTo) onCancelMode?.();
            onSent?.();
          }}
        />
      )}
      {dialog?.kind === 'catalog' && <ShareCatalogDialog chatId={chatId} onClose={() => setDialog(null)} onSent={onSent} />}
      {dialog?.kind === 'contact' && (
        <ContactDialog
          onClose={() => setDialog(null)}
          onSend={(v) => {
            setDialog(null);
            void store.send(chatId, 'contact', { contacts: [{ name: v.name, phones: [{ number: v.phone }] }] }, quote);
            if (replyTo) onCancelMode?.();
            onSent?.();
          }}
        />
      )}
    </div>
  );
}
