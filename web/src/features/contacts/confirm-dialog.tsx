/**
 * A confirmation dialog for an action that matters (sign out a device, block, report): the
 * question, optional extra fields, Cancel (focused first) and the action. The action's error is
 * shown inside the dialog; on success the caller closes it.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../../i18n/index.js';
import { Dialog } from '../../ui/dialog.js';
import { errorMessage } from '../auth/auth-screen.js';

export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  danger = false,
  onConfirm,
  onCancel,
  children,
}: {
  title: string;
  message: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm(): Promise<void> | void;
  onCancel(): void;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Dialog re-runs its focus effect whenever onClose changes: hand it a stable function.
  const cancelRef = useRef(onCancel);
  useEffect(() => {
    cancelRef.current = onCancel;
  }, [onCancel]);
  const close = useCallback(() => cancelRef.current(), []);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (err) {
      if (mounted.current) setError(errorMessage(t, err));
    } finally {
      if (mounted.current) setBusy(false);
    }
  };

  return (
    <Dialog title={title} onClose={close}>
      <p className="dialog-message">{message}</p>
      {children}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn btn-ghost" onClick={close}>
          {t('common.cancel')}
        </button>
        <button type="button" className={`btn${danger ? ' btn-solid-danger' : ''}`} onClick={() => void confirm()} disabled={busy} aria-busy={busy}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
