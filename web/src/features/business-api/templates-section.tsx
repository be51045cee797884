/**
 * Business tools → Message templates: the business's templates, newest first, with language,
 * category, status (approved; rejected with the reason; paused until when; disabled) and quality;
 * a filter by status; new, edit (rejected and paused ones too, to resubmit them) and delete with a
 * confirmation. The editor (template-editor.tsx) takes the panel's place while it is open.
 */
import { useCallback, useId, useRef, useState } from 'react';
import { useI18n } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/en.js';
import { ConfirmDialog } from '../contacts/confirm-dialog.js';
import { IDLE, InlineStatus, PanelSection, type Status } from '../contacts/side-panel.js';
import { OwnerLoadState, useOwnerData } from './owner-load.js';
import { ownerApi, type OwnerTemplate, type TemplateStatus } from './owner-client.js';
import { categoryLabel, TemplateEditor } from './template-editor.js';
import { QualityBadge, ReviewReason, StatusBadge } from './template-status.js';
import '../../styles/business-api-templates.css';

const FILTERS: readonly (TemplateStatus | 'ALL')[] = ['ALL', 'APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'];
const FILTER_KEYS: Record<TemplateStatus | 'ALL', MessageKey> = {
  ALL: 'tpl.filter.ALL',
  APPROVED: 'tpl.status.APPROVED',
  PENDING: 'tpl.status.PENDING',
  REJECTED: 'tpl.status.REJECTED',
  PAUSED: 'tpl.status.PAUSED',
  DISABLED: 'tpl.status.DISABLED',
};

/** Statuses whose template the owner can edit and resubmit (as the Graph edit allows). */
const EDITABLE: readonly TemplateStatus[] = ['APPROVED', 'REJECTED', 'PAUSED'];

export function TemplatesSection() {
  const { t } = useI18n();
  const ids = useId();
  const { data: list, error, reload: load } = useOwnerData(async () => (await ownerApi().templates()).templates);
  const [filter, setFilter] = useState<TemplateStatus | 'ALL'>('ALL');
  const [editor, setEditor] = useState<{ template: OwnerTemplate | null } | null>(null);
  const [deleting, setDeleting] = useState<OwnerTemplate | null>(null);
  const [status, setStatus] = useState<Status>(IDLE);
  const newButton = useRef<HTMLButtonElement>(null);
  const cancelDelete = useCallback(() => setDeleting(null), []);

  if (editor) {
    return (
      <TemplateEditor
        template={editor.template}
        onSaved={() => void load()}
        onClose={() => {
          setEditor(null);
          void load();
          requestAnimationFrame(() => newButton.current?.focus());
        }}
      />
    );
  }

  if (!list) return <OwnerLoadState id={`${ids}-off`} title={t('tpl.section')} error={error} />;

  const shown = filter === 'ALL' ? list : list.filter((x) => x.status === filter);
  const count = (f: TemplateStatus | 'ALL') => (f === 'ALL' ? list.length : list.filter((x) => x.status === f).length);

  return (
    <PanelSection id={`${ids}-list`} title={t('tpl.section')}>
      <p className="panel-hint">{t('tpl.intro')}</p>
      <div className="tpl-toolbar">
        <button ref={newButton} type="button" className="btn" onClick={() => setEditor({ template: null })}>
          {t('tpl.new')}
        </button>
        <div className="field tpl-filter">
          <label htmlFor={`${ids}-filter`}>{t('tpl.filter')}</label>
          <select id={`${ids}-filter`} className="input" value={filter} onChange={(e) => setFilter(e.target.value as TemplateStatus | 'ALL')}>
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {t('tpl.filter.option', { label: t(FILTER_KEYS[f]), count: count(f) })}
              </option>
            ))}
          </select>
        </div>
      </div>
      <InlineStatus state={status} />
      {shown.length === 0 ? (
        <p className="panel-hint">{list.length === 0 ? t('tpl.none') : t('tpl.noneWithStatus')}</p>
      ) : (
        <ul className="api-cards" aria-label={t('tpl.list')}>
          {shown.map((tpl) => (
            <li key={tpl.id}>
              <TemplateCard template={tpl} onEdit={() => setEditor({ template: tpl })} onDelete={() => setDeleting(tpl)} />
            </li>
          ))}
        </ul>
      )}
      {deleting && (
        <ConfirmDialog
          title={t('tpl.delete.title')}
          message={t('tpl.delete.confirm', { name: deleting.name, language: deleting.language })}
          confirmLabel={t('tpl.delete')}
          danger
          onCancel={cancelDelete}
          onConfirm={async () => {
            await ownerApi().remove(deleting.id);
            setDeleting(null);
            setStatus({ kind: 'ok', text: t('tpl.deleted', { name: deleting.name }) });
            await load();
            newButton.current?.focus();
          }}
        />
      )}
    </PanelSection>
  );
}

function TemplateCard({ template: tpl, onEdit, onDelete }: { template: OwnerTemplate; onEdit(): void; onDelete(): void }) {
  const { t } = useI18n();
  const ids = useId();
  const editText = tpl.status === 'APPROVED' ? t('tpl.edit') : t('tpl.editResubmit');
  const body = tpl.components.find((c) => c.type.toUpperCase() === 'BODY')?.text ?? '';
  return (
    <article className="api-card tpl-card" aria-labelledby={`${ids}-name`}>
      <div className="tpl-card-head">
        <h4 id={`${ids}-name`} className="api-card-title api-mono">
          {tpl.name}
        </h4>
        <StatusBadge template={tpl} />
      </div>
      <p className="tpl-card-meta">
        <span>{tpl.language}</span>
        <span aria-hidden="true"> · </span>
        <span>{categoryLabel(t, tpl.category)}</span>
        <span aria-hidden="true"> · </span>
        <QualityBadge quality={tpl.quality} label={t('tpl.quality')} />
      </p>
      {body && <p className="tpl-card-body">{body}</p>}
      {tpl.status === 'REJECTED' && <ReviewReason template={tpl} />}
      {tpl.status === 'PAUSED' && <p className="panel-hint">{t('tpl.pausedHelp')}</p>}
      {tpl.status === 'DISABLED' && <p className="panel-hint">{t('tpl.disabledHelp')}</p>}
      <div className="api-actions">
        {EDITABLE.includes(tpl.status) && (
          <button type="button" className="btn btn-outline btn-small" onClick={onEdit} aria-label={t('tpl.actionNamed', { action: editText, name: tpl.name, language: tpl.language })}>
            {editText}
          </button>
        )}
        <button type="button" className="btn btn-outline btn-small danger-text" onClick={onDelete} aria-label={t('tpl.actionNamed', { action: t('tpl.delete'), name: tpl.name, language: tpl.language })}>
          {t('tpl.delete')}
        </button>
      </div>
    </article>
  );
}
