import { useState, type SubmitEvent } from 'react';
import { useAction } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { JsonPickOrPaste } from '../../components/JsonPickOrPaste';
import { VerifyChecks } from '../../components/VerifyChecks';
import { fieldError } from '../wallet/field-error';
import { manifestProblem } from './manifest-problem';
// The wide fields, as the contribution bundles' dialog has them.
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
  // What is wrong with the pasted text, worded here from the schema's first issue (the backend's
  // message would be the validator's: a path and "expected object, received undefined").
  const [problem, setProblem] = useState<string | null>(null);
  const err = problem !== null ? { text: problem } : fieldError(verify.error, { manifest: 'The manifest', adapter: 'The adapter' });

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    const found = manifestProblem(text);
    setProblem(found);
    if (found !== null) return;
    await verify.run({ manifest: text, ...(adapter !== null && againstAdapter ? { adapter } : {}) });
  }

  return (
    <Dialog open title={adapter ? `Verify a training manifest of ${adapter}` : 'Verify a training manifest'} onClose={onClose} testId="manifest-verify-dialog" size="wide">
      <form className="form" onSubmit={(e) => void onSubmit(e)}>
        <p className="field-hint">
          A training manifest (datanet-studio/training-manifest@1) lists the contribution records an adapter was trained on and their weights. The checks recompute its ids,
          weights, Merkle root and proofs, and ask the network in Settings whether its ModelRegistry holds that root for the adapter.
        </p>
        <JsonPickOrPaste
          idPrefix="manifest"
          fileLabel="Manifest file"
          text={text}
          error={err}
          onText={(t) => {
            setText(t);
            setProblem(null);
            verify.reset();
          }}
        />
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
        {verify.data && <VerifyChecks result={verify.data} offlineChecks="the file’s own checks" testId="manifest-verify-result" checkTestId="manifest-check" />}
      </form>
    </Dialog>
  );
}
