import type { RecordState } from '../../../shared/api';
import { IconBadge } from '../../components/IconBadge';
import { CheckIcon, ErrorIcon, OutboxIcon, LedgerIcon } from '../../components/icons';

/** Where a record is on its way to the chain, in a word, an icon and a colour (never colour alone). */
const LOOK: Record<RecordState, { label: string; tone: string; Icon: typeof CheckIcon; hint: string }> = {
  signed: { label: 'Signed', tone: 'waiting', Icon: OutboxIcon, hint: 'Signed on this computer; waiting in the outbox for the next sync.' },
  queued: { label: 'Queued', tone: 'waiting', Icon: OutboxIcon, hint: 'In the next batch to anchor.' },
  submitted: { label: 'Submitted', tone: 'moving', Icon: LedgerIcon, hint: 'Its batch was sent; waiting to be included in a block.' },
  included: { label: 'Included', tone: 'moving', Icon: LedgerIcon, hint: 'In a block; waiting for enough blocks on top to be final.' },
  confirmed: { label: 'Confirmed', tone: 'ok', Icon: CheckIcon, hint: 'Anchored and final: the proof checks against the chain.' },
  failed: { label: 'Failed', tone: 'error', Icon: ErrorIcon, hint: 'Could not be anchored; the reason is beside it.' },
};

export const STATE_ORDER: readonly RecordState[] = ['signed', 'queued', 'submitted', 'included', 'confirmed', 'failed'];

export function StateBadge({ state }: { state: RecordState }) {
  const { label, tone, Icon, hint } = LOOK[state];
  return <IconBadge Icon={Icon} label={label} className={`record-state record-state-${tone}`} data-testid="contribution-state" data-state={state} title={hint} />;
}
