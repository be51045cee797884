/**
 * Business tools → Quick replies: the list (shortcut, text, attachment), a form to add or edit one
 * (shortcut, text, optional file uploaded as media), and delete with confirmation.
 */
import { useRef, useState, type FormEvent } from 'react';
import { MAX_QUICK_REPLIES, QUICK_REPLY_SHORTCUT_PATTERN, QUICK_REPLY_TEXT_MAX } from '#contracts/business-tools-constants.js';
import type { QuickReply } from '#contracts/automation.js';
import { useI18n } from '../../i18n/index.js';
import { store } from '../../lib/store.js';
import { errorMessage } from '../auth/auth-screen.js';
import { ConfirmDialog } from '../contacts/confirm-dialog.js';
import { IDLE, InlineStatus, PanelSection, type Status } from '../contacts/side-panel.js';
import { EditIcon, TrashIcon } from '../../ui/icons.js';
import { quickRepliesResource, toolsApi, useQuickReplies } from './data.js';
import '../../styles/business-tools.css';

const SHORTCUT = new RegExp(QUICK_REPLY_SHORTCUT_PATTERN);

type Media = QuickReply['media'];

function mediaKindOf(file: File): 'image' | 'video' | 'document' {
  if (file.type.startsWith('image/') && file.type !== 'image/svg+xml') return 'image';
  if (file.type.startsWith('video/')) return 'video';
  return 'document';
}

function QuickReplyForm({ initial, onDone }: { initial: QuickReply | null; onDone(): void }) {
  const { t } = useI18n();
  const [shortcut, setShortcut] = useState(initial?.shortcut ?? '');
  const [text, setText] = useState(initial?.text ?? '');
  const [media, setMedia] = useState<Media>(initial?.media ?? null);
  const [status, setStatus] = useState<Status>(IDLE);
  const fileRef = useRef<HTMLInputElement>(null);
  const idp = initial ? `qr-edit-${initial.id}` : 'qr-new';

  const pick = async (file: File | undefined) => {
    if (!file) return;
    setStatus({ kind: 'busy', text: t('tools.qr.uploading') });
    try {
      const kind = mediaKindOf(file);
      const up = await store.api.uploadMedia(file, kind, file.name);
      setMedia({ id: up.id, kind, mimeType: file.type, fileName: file.name });
      setStatus(IDLE);
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const sc = shortcut.replace(/^\//, '');
    if (!SHORTCUT.test(sc)) return setStatus({ kind: 'error', text: t('tools.qr.badShortcut') });
    if (!text.trim()) return setStatus({ kind: 'error', text: t('error.VALIDATION_FAILED') });
    setStatus({ kind: 'busy', text: t('tools.saving') });
    try {
      const body = { shortcut: sc, text, mediaId: media?.id ?? null };
      if (initial) await toolsApi.updateQuickReply(initial.id, body);
      else await toolsApi.createQuickReply(body);
      await quickRepliesResource.refresh();
      onDone();
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  };

  return (
    <form className="tools-form" onSubmit={(e) => void save(e)} noValidate aria-label={initial ? t('tools.qr.editTitle') : t('tools.qr.add')}>
      <div className="field">
        <label htmlFor={`${idp}-shortcut`}>{t('tools.qr.shortcut')}</label>
        <input
          id={`${idp}-shortcut`}
          className="input"
          value={shortcut ? `/${shortcut.replace(/^\//, '')}` : ''}
          placeholder="/refund"
          maxLength={25}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setShortcut(e.target.value.replace(/^\//, ''))}
          aria-describedby={`${idp}-shortcut-help`}
        />
        <p id={`${idp}-shortcut-help`} className="panel-hint">
          {t('tools.qr.shortcutHelp')}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${idp}-text`}>{t('tools.qr.text')}</label>
        <textarea id={`${idp}-text`} className="input" value={text} maxLength={QUICK_REPLY_TEXT_MAX} onChange={(e) => setText(e.target.value)} />
      </div>
      <div className="field">
        <span className="field-label">{t('tools.qr.media')}</span>
        {media ? (
          <div className="tools-row">
            <span className="tools-item-sub">{media.fileName ?? media.kind}</span>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setMedia(null)}>
              {t('tools.qr.removeMedia')}
            </button>
          </div>
        ) : (
          <button type="button" className="btn btn-outline" onClick={() => fileRef.current?.click()} disabled={status.kind === 'busy'}>
            {t('tools.qr.attach')}
          </button>
        )}
        <input
          ref={fileRef}
          type="file"
          className="sr-only"
          tabIndex={-1}
          aria-hidden="true"
          data-testid="qr-media-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            void pick(f);
          }}
        />
      </div>
      <div className="form-actions">
        <InlineStatus state={status} />
        <button type="button" className="btn btn-ghost" onClick={onDone}>
          {t('tools.cancel')}
        </button>
        <button type="submit" className="btn" disabled={status.kind === 'busy'}>
          {t('tools.save')}
        </button>
      </div>
    </form>
  );
}

export function QuickRepliesSection() {
  const { t } = useI18n();
  const { data, error } = useQuickReplies();
  const [editing, setEditing] = useState<QuickReply | 'new' | null>(null);
  const [deleting, setDeleting] = useState<QuickReply | null>(null);
  const list = data ?? [];

  return (
    <PanelSection id="tools-quick-replies" title={t('tools.quickReplies')}>
      <p className="panel-hint">{t('tools.qr.help')}</p>
      {error && !data ? <p className="error-text">{t('tools.loadFailed')}</p> : null}
      {!data && !error ? <p className="panel-hint">{t('common.loading')}</p> : null}
      {data && (
        <>
          <p className="panel-hint" aria-live="polite">
            {t('tools.qr.count', { count: list.length, max: MAX_QUICK_REPLIES })}
          </p>
          {list.length === 0 && <p className="panel-hint">{t('tools.qr.empty')}</p>}
          <ul className="tools-list">
            {list.map((q) =>
              editing !== 'new' && editing?.id === q.id ? (
                <li key={q.id}>
                  <QuickReplyForm initial={q} onDone={() => setEditing(null)} />
                </li>
              ) : (
                <li key={q.id} className="tools-item">
                  <span className="tools-item-text">
                    <span className="tools-item-title">/{q.shortcut}</span>
                    <span className="tools-item-sub">
                      {q.media ? `📎 ${t('tools.qr.hasMedia')} · ` : ''}
                      {q.text}
                    </span>
                  </span>
                  <button type="button" className="icon-btn small" aria-label={t('tools.qr.edit', { shortcut: q.shortcut })} title={t('tools.qr.edit', { shortcut: q.shortcut })} onClick={() => setEditing(q)}>
                    <EditIcon />
                  </button>
                  <button type="button" className="icon-btn small" aria-label={t('tools.qr.deleteLabel', { shortcut: q.shortcut })} title={t('tools.qr.deleteLabel', { shortcut: q.shortcut })} onClick={() => setDeleting(q)}>
                    <TrashIcon />
                  </button>
                </li>
              ),
            )}
          </ul>
          {editing === 'new' ? (
            <QuickReplyForm initial={null} onDone={() => setEditing(null)} />
          ) : (
            list.length < MAX_QUICK_REPLIES && (
              <button type="button" className="btn" onClick={() => setEditing('new')}>
                {t('tools.qr.add')}
              </button>
            )
          )}
        </>
      )}
      {deleting && (
        <ConfirmDialog
          title={t('tools.qr.deleteTitle')}
          message={t('tools.qr.deleteConfirm', { shortcut: deleting.shortcut })}
          confirmLabel={t('tools.delete')}
          danger
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            await toolsApi.deleteQuickReply(deleting.id);
            await quickRepliesResource.refresh();
            setDeleting(null);
          }}
        />
      )}
    </PanelSection>
  );
}
