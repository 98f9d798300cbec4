import type { ReactNode } from 'react';
import type { ApiFailure } from '../../shared/api';
import { Dialog } from './Dialog';
import { ErrorMessage } from './ErrorMessage';
import './ConfirmDialog.css';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  /** The button that does it, named for what it does ("Delete tiny-qwen"). */
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending?: boolean;
  /** Why the last try failed; the dialog stays open to show it. */
  error?: ApiFailure | null;
  testId?: string;
}

/** "Are you sure?" for something that cannot be undone: the destroying button is last, never the one focused first. */
export function ConfirmDialog({ open, title, children, confirmLabel, onConfirm, onClose, pending = false, error, testId }: ConfirmDialogProps) {
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      testId={testId}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Keep
          </button>
          <button type="button" className="button button-danger" data-testid="confirm-action" disabled={pending} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </>
      }
    >
      {children}
      {error && <ErrorMessage error={error} context="It did not work." />}
    </Dialog>
  );
}
