/**
 * Label pieces shared by the chat list, the conversation and the Labels section: a label's shown
 * name (default labels are translated until renamed), coloured dots and chips, the 20-colour
 * palette picker, and the "Label chat" / "Label message" checklist dialog (opened from anywhere
 * with openLabelDialog; rendered once by <LabelDialogHost />).
 */
import { useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import { LABEL_COLORS } from '#contracts/business-tools-constants.js';
import type { Label } from '#contracts/labels.js';
import { useI18n, type Translate } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/en.js';
import { Dialog } from '../../ui/dialog.js';
import { errorMessage } from '../auth/auth-screen.js';
import { assignmentsResource, toolsApi, useIsBusiness, useLabelIndex } from './data.js';
import '../../styles/business-tools.css';

export function labelName(t: Translate, label: Pick<Label, 'name' | 'defaultKey'>): string {
  return label.defaultKey ? t(`tools.label.default.${label.defaultKey}` as MessageKey) : label.name;
}

export function colorName(t: Translate, color: number): string {
  const c = LABEL_COLORS[color];
  return c ? t(`tools.color.${c.name}` as MessageKey) : '';
}

export function colorHex(color: number): string {
  return LABEL_COLORS[color]?.hex ?? LABEL_COLORS[18].hex;
}

/** Small coloured dots (chat list rows); one accessible name lists the labels. */
export function LabelDots({ labels }: { labels: Label[] }) {
  const { t } = useI18n();
  if (!labels.length) return null;
  const list = labels.map((l) => labelName(t, l)).join(', ');
  return (
    <span className="label-dots" role="img" aria-label={t('tools.labelsOf', { list })} title={list}>
      {labels.map((l) => (
        <span key={l.id} className="label-dot" style={{ background: colorHex(l.color) }} aria-hidden="true" />
      ))}
    </span>
  );
}

/** Chips under a labelled message. */
export function MessageLabels({ messageId }: { messageId: string }) {
  const { t } = useI18n();
  const index = useLabelIndex();
  const labels = index?.message.get(messageId);
  if (!labels?.length) return null;
  return (
    <ul className="label-chips" aria-label={t('tools.labelsOf', { list: labels.map((l) => labelName(t, l)).join(', ') })}>
      {labels.map((l) => (
        <li key={l.id} className="label-chip">
          <span className="label-dot" style={{ background: colorHex(l.color) }} aria-hidden="true" />
          {labelName(t, l)}
        </li>
      ))}
    </ul>
  );
}

/** The 20 colours as a radio group (arrow keys move, each swatch named). */
export function ColorPalette({ value, onChange, id }: { value: number; onChange(color: number): void; id: string }) {
  const { t } = useI18n();
  const onKeyDown = (e: KeyboardEvent) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    const next = (value + step + LABEL_COLORS.length) % LABEL_COLORS.length;
    onChange(next);
    requestAnimationFrame(() => document.getElementById(`${id}-${next}`)?.focus());
  };
  return (
    <div className="palette" role="radiogroup" aria-labelledby={`${id}-legend`} onKeyDown={onKeyDown}>
      {LABEL_COLORS.map((c, i) => (
        <button
          key={c.name}
          id={`${id}-${i}`}
          type="button"
          role="radio"
          aria-checked={value === i}
          tabIndex={value === i ? 0 : -1}
          aria-label={colorName(t, i)}
          title={colorName(t, i)}
          className="swatch"
          style={{ background: c.hex }}
          onClick={() => onChange(i)}
        />
      ))}
    </div>
  );
}

export type LabelTarget = { kind: 'chat'; chatId: string } | { kind: 'message'; messageId: string };

let target: LabelTarget | null = null;
const listeners = new Set<() => void>();
export function openLabelDialog(t: LabelTarget | null): void {
  target = t;
  listeners.forEach((l) => l());
}

/** Renders the label dialog when one is open; mount once (the chat list does). */
export function LabelDialogHost() {
  const current = useSyncExternalStore(
    (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    () => target,
  );
  const business = useIsBusiness();
  if (!current || !business) return null;
  return <LabelDialog key={current.kind === 'chat' ? current.chatId : current.messageId} target={current} onClose={() => openLabelDialog(null)} />;
}

/** A checklist of the business's labels for one chat or message; Save replaces its labels. */
export function LabelDialog({ target, onClose }: { target: LabelTarget; onClose(): void }) {
  const { t } = useI18n();
  const index = useLabelIndex();
  const current = (target.kind === 'chat' ? index?.chat.get(target.chatId) : index?.message.get(target.messageId)) ?? [];
  const [checked, setChecked] = useState<Set<string> | null>(null);
  const selected = checked ?? new Set(current.map((l) => l.id));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const ids = (index?.labels ?? []).filter((l) => selected.has(l.id)).map((l) => l.id);
      if (target.kind === 'chat') await toolsApi.setChatLabels(target.chatId, ids);
      else await toolsApi.setMessageLabels(target.messageId, ids);
      await assignmentsResource.refresh();
      onClose();
    } catch (err) {
      setError(errorMessage(t, err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={t(target.kind === 'chat' ? 'tools.labelChat' : 'tools.labelMessage')} onClose={onClose}>
      {!index ? (
        <p className="panel-hint">{t('common.loading')}</p>
      ) : index.labels.length === 0 ? (
        <p className="panel-hint">{t('tools.labelDialog.empty')}</p>
      ) : (
        <ul className="label-checklist">
          {index.labels.map((l) => (
            <li key={l.id}>
              <label className="label-check">
                <input
                  type="checkbox"
                  checked={selected.has(l.id)}
                  onChange={(e) => {
                    const next = new Set(selected);
                    if (e.target.checked) next.add(l.id);
                    else next.delete(l.id);
                    setChecked(next);
                  }}
                />
                <span className="label-dot" style={{ background: colorHex(l.color) }} aria-hidden="true" />
                <span>{labelName(t, l)}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          {t('tools.cancel')}
        </button>
        <button type="button" className="btn" disabled={busy || !index} onClick={() => void save()}>
          {t('tools.save')}
        </button>
      </div>
    </Dialog>
  );
}
