import type { CheckStatus } from '../../shared/api';
import { AlertIcon, CheckIcon, ErrorIcon } from './icons';
import './StatusBadge.css';

const LOOK = {
  ok: { label: 'OK', Icon: CheckIcon },
  missing: { label: 'Missing', Icon: AlertIcon },
  error: { label: 'Error', Icon: ErrorIcon },
} as const;

/** Colour and an icon and a word, so the status never rests on colour alone. */
export function StatusBadge({ status }: { status: CheckStatus }) {
  const { label, Icon } = LOOK[status];
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      <Icon size={14} />
      {label}
    </span>
  );
}
