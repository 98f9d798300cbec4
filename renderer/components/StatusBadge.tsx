import type { CheckStatus } from '../../shared/api';
import { IconBadge } from './IconBadge';
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
  return <IconBadge Icon={Icon} label={label} className={`badge-${status}`} data-status={status} />;
}
