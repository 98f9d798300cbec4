/**
 * A dialog footer for one action: Cancel and the action while it has not been done, then Done.
 * The action's button is disabled while it runs or while `disabled` says its input is not ready.
 */
export function ActionFooter({
  done,
  pending,
  disabled,
  label,
  pendingLabel,
  onStart,
  onClose,
  testId,
}: {
  done: boolean;
  pending: boolean;
  disabled: boolean;
  label: string;
  pendingLabel: string;
  onStart: () => void;
  onClose: () => void;
  testId: string;
}) {
  if (done) {
    return (
      <button type="button" className="button button-primary" onClick={onClose}>
        Done
      </button>
    );
  }
  return (
    <>
      <button type="button" className="button" onClick={onClose}>
        Cancel
      </button>
      <button type="button" className="button button-primary" data-testid={testId} disabled={pending || disabled} onClick={onStart}>
        {pending ? pendingLabel : label}
      </button>
    </>
  );
}
