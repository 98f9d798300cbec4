import { useState, type ChangeEvent, type SubmitEvent } from 'react';
import type { CallOutput } from '../../../shared/api';
import { useAction } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { fieldError, FieldMessage } from '../wallet/field-error';
import { readText } from '../wallet/read-text';

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
  const [readProblem, setReadProblem] = useState<string | null>(null);
  const err = fieldError(verify.error, { bundle: 'The bundle' });

  function onFile(e: ChangeEvent<HTMLInputElement>): void {
    const file = e.target.files?.[0];
    setReadProblem(null);
    if (!file) return;
    readText(
      file,
      (text) => {
        setText(text);
        verify.reset();
      },
      setReadProblem,
    );
  }

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    await verify.run({ bundle: text });
  }

  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)}>
      <p className="field-hint">A bundle (datanet-studio/contribution-bundle@1) holds a record, its signature, salt and Merkle proof. The checks run here; the on-chain ones ask the network in Settings.</p>
      <div className="field field-wide">
        <label className="field-label" htmlFor="verify-file">
          Bundle file
        </label>
        <input id="verify-file" className="file-input" type="file" accept=".json,application/json" data-testid="verify-file" onChange={onFile} />
        {readProblem && <FieldMessage id="verify-read-error" text={readProblem} />}
      </div>
      <div className="field field-wide">
        <label className="field-label" htmlFor="verify-text">
          Or paste its JSON
        </label>
        <textarea
          id="verify-text"
          className="input textarea mono verify-text"
          data-testid="verify-text"
          rows={8}
          spellCheck={false}
          value={text}
          aria-invalid={err ? true : undefined}
          aria-describedby={err ? 'verify-error' : undefined}
          onChange={(e) => {
            setText(e.target.value);
            verify.reset();
          }}
        />
        {err && <FieldMessage id="verify-error" testId="verify-error" text={err.text} />}
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="verify-submit" disabled={verify.pending || text.trim() === ''}>
          Verify
        </button>
        {verify.pending && <Spinner label="Checking…" />}
      </div>
      {verify.error && !err && <ErrorMessage error={verify.error} context="Could not verify the bundle." />}
      {verify.data && <Result result={verify.data} />}
    </form>
  );
}

function Result({ result }: { result: CallOutput<'contributions.verify'> }) {
  const failed = result.checks.filter((c) => !c.ok).length;
  return (
    <div className="verify-result" data-testid="verify-result" data-ok={result.ok}>
      <p className={`verify-summary ${result.ok ? 'verify-ok' : 'verify-bad'}`} role="status">
        {result.ok ? 'Every check holds.' : `${failed} of ${result.checks.length} checks fail.`}
        {!result.online && ' The network could not be reached, so only the offline checks ran.'}
      </p>
      <ul className="boxed-list">
        {result.checks.map((c) => (
          <li key={c.name} className="verify-check" data-testid="verify-check" data-ok={c.ok}>
            <span className={`verify-mark ${c.ok ? 'verify-ok' : 'verify-bad'}`} aria-hidden="true">
              {c.ok ? '✓' : '✗'}
            </span>
            <span className="verify-check-text">
              <strong className="verify-check-name">{c.name}</strong>
              <span className="visually-hidden">{c.ok ? ': holds. ' : ': fails. '}</span>
              <span className="verify-check-detail">{c.detail}</span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
