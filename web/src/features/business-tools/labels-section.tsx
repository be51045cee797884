/**
 * Business tools → Labels: the business's labels (up to 20) with their colours; create, rename,
 * recolour (20-colour palette with named swatches) and delete with confirmation.
 */
import { useState, type FormEvent } from 'react';
import { LABEL_NAME_MAX, MAX_LABELS } from '#contracts/business-tools-constants.js';
import type { Label } from '#contracts/labels.js';
import { useI18n } from '../../i18n/index.js';
import { errorMessage } from '../auth/auth-screen.js';
import { ConfirmDialog } from '../contacts/confirm-dialog.js';
import { IDLE, InlineStatus, PanelSection, type Status } from '../contacts/side-panel.js';
import { EditIcon, TrashIcon } from '../../ui/icons.js';
import { assignmentsResource, labelsResource, toolsApi, useLabels } from './data.js';
import { ColorPalette, colorHex, labelName } from './label-ui.js';
import '../../styles/business-tools.css';

function LabelForm({ initial, onDone }: { initial: Label | null; onDone(): void }) {
  const { t } = useI18n();
  const [name, setName] = useState(initial ? labelName(t, initial) : '');
  const [color, setColor] = useState(initial?.color ?? 0);
  const [status, setStatus] = useState<Status>(IDLE);
  const idp = initial ? `label-edit-${initial.id}` : 'label-new';

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setStatus({ kind: 'error', text: t('error.VALIDATION_FAILED') });
    setStatus({ kind: 'busy', text: t('tools.saving') });
    try {
      if (initial) {
        const patch: { name?: string; color?: number } = {};
        // A default label keeps its key (and its translated name) until the name really changes.
        if (trimmed !== labelName(t, initial)) patch.name = trimmed;
        if (color !== initial.color) patch.color = color;
        if (Object.keys(patch).length) await toolsApi.updateLabel(initial.id, patch);
      } else {
        await toolsApi.createLabel({ name: trimmed, color });
      }
      await labelsResource.refresh();
      onDone();
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(t, err) });
    }
  };

  return (
    <form className="tools-form" onSubmit={(e) => void save(e)} noValidate aria-label={initial ? t('tools.labels.edit', { name: labelName(t, initial) }) : t('tools.labels.add')}>
      <div className="field">
        <label htmlFor={`${idp}-name`}>{t('tools.labels.name')}</label>
        <input id={`${idp}-name`} className="input" value={name} maxLength={LABEL_NAME_MAX} onChange={(e) => setName(e.target.value)} autoFocus />
      </div>
      <div className="field">
        <span id={`${idp}-color-legend`} className="field-label">
          {t('tools.labels.color')}
        </span>
        <ColorPalette id={`${idp}-color`} value={color} onChange={setColor} />
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

export function LabelsSection() {
  const { t } = useI18n();
  const { data, error } = useLabels();
  const [editing, setEditing] = useState<Label | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Label | null>(null);
  const list = data ?? [];

  return (
    <PanelSection id="tools-labels" title={t('tools.labels')}>
      <p className="panel-hint">{t('tools.labels.help')}</p>
      {error && !data ? <p className="error-text">{t('tools.loadFailed')}</p> : null}
      {!data && !error ? <p className="panel-hint">{t('common.loading')}</p> : null}
      {data && (
        <>
          <p className="panel-hint" aria-live="polite">
            {t('tools.labels.count', { count: list.length, max: MAX_LABELS })}
          </p>
          {list.length === 0 && <p className="panel-hint">{t('tools.labels.empty')}</p>}
          <ul className="tools-list">
            {list.map((l) =>
              editing !== 'new' && editing?.id === l.id ? (
                <li key={l.id}>
                  <LabelForm initial={l} onDone={() => setEditing(null)} />
                </li>
              ) : (
                <li key={l.id} className="tools-item">
                  <span className="label-dot" style={{ background: colorHex(l.color) }} aria-hidden="true" />
                  <span className="tools-item-text">
                    <span className="tools-item-title">{labelName(t, l)}</span>
                  </span>
                  <button type="button" className="icon-btn small" aria-label={t('tools.labels.edit', { name: labelName(t, l) })} title={t('tools.labels.edit', { name: labelName(t, l) })} onClick={() => setEditing(l)}>
                    <EditIcon />
                  </button>
                  <button type="button" className="icon-btn small" aria-label={t('tools.labels.deleteLabel', { name: labelName(t, l) })} title={t('tools.labels.deleteLabel', { name: labelName(t, l) })} onClick={() => setDeleting(l)}>
                    <TrashIcon />
                  </button>
                </li>
              ),
            )}
          </ul>
          {editing === 'new' ? (
            <LabelForm initial={null} onDone={() => setEditing(null)} />
          ) : list.length < MAX_LABELS ? (
            <button type="button" className="btn" onClick={() => setEditing('new')}>
              {t('tools.labels.add')}
            </button>
          ) : (
            <p className="panel-hint">{t('tools.labels.full')}</p>
          )}
        </>
      )}
      {deleting && (
        <ConfirmDialog
          title={t('tools.labels.deleteTitle')}
          message={t('tools.labels.deleteConfirm', { name: labelName(t, deleting) })}
          confirmLabel={t('tools.delete')}
          danger
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            await toolsApi.deleteLabel(deleting.id);
            await Promise.all([labelsResource.refresh(), assignmentsResource.refresh()]);
            setDeleting(null);
          }}
        />
      )}
    </PanelSection>
  );
}
