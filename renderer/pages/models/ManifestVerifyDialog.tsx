import { useState, type ChangeEvent, type SubmitEvent } from 'react';
import type { ManifestVerification } from '../../../shared/api/schemas/registration';
import { useAction } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { fieldError, FieldMessage } from '../wallet/field-error';
import { readText } from '../wallet/read-text';
// The verify-* styles, shared with the contribution bundles' checks.
import '../contributions/contributions.css';

interface ManifestVerifyDialogProps {
  /** An installed adapter whose files the manifest must name; without it, any manifest. */
  adapter: string | null;
  onClose: () => void;
}

/** A training manifest, pasted or picked: each check the backend ran (the file's tree and ids, the chain, the adapter's files) with ✓ or ✗. */
export function ManifestVerifyDialog({ adapter, onClose }: ManifestVerifyDialogProps) {
  const verify = useAction('models.verifyManifest');
  const [text, setText] = useState('');
  const [againstAdapter, setAgainstAdapter] = useState(adapter !== null);
  const [readProblem, setReadProblem] = useState<string | null>(null);
  const err = fieldError(verify.error, { manifest: 'The manifest', adapter: 'The adapter' });

  function onFile(e: ChangeEvent<HTMLInputElement>): void {
    const file = e.target.files?.[0];
    setReadProblem(null);
    if (!file) return;
    readText(
      file,
      (read) => {
        setText(read);
        verify.reset();
      },
      setReadProblem,
    );
  }

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    await verify.run({ manifest: text, ...(adapter !== null && againstAdapter ? { adapter } : {}) });
  }

  return (
    <Dialog open title={adapter ? `Verify a training manifest of ${adapter}` : 'Verify a training manifest'} onClose={onClose} testId="manifest-verify-dialog" size="wide">
      <form className="form" onSubmit={(e) => void onSubmit(e)}>
        <p className="field-hint">
          A training manifest (datanet-studio/training-manifest@1) lists the contribution records an adapter was trained on and their weights. The checks recompute its ids,
          weights, Merkle root and proofs, and ask the network in Settings whether its ModelRegistry holds that root for the adapter.
        </p>
        <div className="field field-wide">
          <label className="field-label" htmlFor="manifest-file">
            Manifest file
          </label>
          <input id="manifest-file" className="file-input" type="file" accept=".json,application/json" data-testid="manifest-file" onChange={onFile} />
          {readProblem && <FieldMessage id="manifest-read-error" text={readProblem} />}
        </div>
        <div className="field field-wide">
          <label className="field-label" htmlFor="manifest-text">
            Or paste its JSON
          </label>
          <textarea
            id="manifest-text"
            className="input textarea mono verify-text"
            data-testid="manifest-text"
            rows={8}
            spellCheck={false}
            value={text}
            aria-invalid={err ? true : undefined}
            aria-describedby={err ? 'manifest-error' : undefined}
            onChange={(e) => {
              setText(e.target.value);
              verify.reset();
            }}
          />
          {err && <FieldMessage id="manifest-error" testId="manifest-error" text={err.text} />}
        </div>
        {adapter !== null && (
          <label className="radio">
            <input type="checkbox" checked={againstAdapter} onChange={(e) => setAgainstAdapter(e.target.checked)} data-testid="manifest-against-adapter" />
            Also check that it names this computer&apos;s {adapter} (its weights and config, byte for byte)
          </label>
        )}
        <div className="form-actions">
          <button type="submit" className="button button-primary" data-testid="manifest-verify" disabled={verify.pending || text.trim() === ''}>
            Verify
          </button>
          {verify.pending && <Spinner label="Checking…" />}
        </div>
        {verify.error && !err && <ErrorMessage error={verify.error} context="Could not verify the manifest." />}
        {verify.data && <Checks result={verify.data} />}
      </form>
    </Dialog>
  );
}

function Checks({ result }: { result: ManifestVerification }) {
  const failed = result.checks.filter((c) => !c.ok).length;
  return (
    <div className="verify-result" data-testid="manifest-verify-result" data-ok={result.ok}>
      <p className={`verify-summary ${result.ok ? 'verify-ok' : 'verify-bad'}`} role="status">
        {result.ok ? 'Every check holds.' : `${failed} of ${result.checks.length} checks fail.`}
        {!result.online && ' The network could not be reached, so only the file’s own checks ran.'}
      </p>
      <ul className="boxed-list">
        {result.checks.map((c) => (
          <li key={c.name} className="verify-check" data-testid="manifest-check" data-name={c.name} data-ok={c.ok}>
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
