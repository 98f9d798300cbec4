import { useState, type SubmitEvent } from 'react';
import { useAction } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { JsonPickOrPaste } from '../../components/JsonPickOrPaste';
import { VerifyChecks } from '../../components/VerifyChecks';
import { fieldError } from '../wallet/field-error';

/** Anyone's bundle, pasted or picked: each check the backend ran, with ✓ or ✗ and what it found. */
export function VerifyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title="Verify a contribution bundle" onClose={onClose} testId="verify-dialog" size="wide">
      {open && <VerifyForm />}
    </Dialog>
  );
}

function VerifyForm() {
  const verify = useAction('contributions.verify');
  const [text, setText] = useState('');
  const err = fieldError(verify.error, { bundle: 'The bundle' });

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    await verify.run({ bundle: text });
  }

  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)}>
      <p className="field-hint">A bundle (datanet-studio/contribution-bundle@1) holds a record, its signature, salt and Merkle proof. The checks run here; the on-chain ones ask the network in Settings.</p>
      <JsonPickOrPaste
        idPrefix="verify"
        fileLabel="Bundle file"
        text={text}
        error={err}
        onText={(t) => {
          setText(t);
          verify.reset();
        }}
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="verify-submit" disabled={verify.pending || text.trim() === ''}>
          Verify
        </button>
        {verify.pending && <Spinner label="Checking…" />}
      </div>
      {verify.error && !err && <ErrorMessage error={verify.error} context="Could not verify the bundle." />}
      {verify.data && <VerifyChecks result={verify.data} offlineChecks="the offline checks" testId="verify-result" checkTestId="verify-check" />}
    </form>
  );
}
