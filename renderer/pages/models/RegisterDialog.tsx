import { useId, useState, type SubmitEvent } from 'react';
import type { WalletStatus } from '../../../shared/api';
import type { Adapter } from '../../../shared/api/schemas/models';
import type { ModelRegistration } from '../../../shared/api/schemas/registration';
import { useAction, useCall, useEvent, type CallState } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { pageHref } from '../../route';
import { fieldError, FieldMessage } from '../wallet/field-error';
import { formatPercent, percentToBps } from './format';
import { ManifestPreview } from './ManifestPreview';
import { RegisteredView } from './RegisteredView';

interface RegisterDialogProps {
  adapter: Adapter;
  /** The configured network's name. */
  network: string;
  onClose: () => void;
  onRegistered: (registration: ModelRegistration) => void;
}

const DEFAULT_SHARE = '20';

/**
 * Whether typing on could still make `text` a share (0 to 100, two decimals): "", "1", "12." and
 * "100." could; "150", "abc" and "1.234" never can. While the field is being typed in, only those
 * are called wrong; an emptied field is not, until the user leaves it or tries to register.
 */
export function couldBecomeShare(text: string): boolean {
  const t = text.trim();
  if (!/^\d{0,3}(\.\d{0,2})?$/.test(t)) return false;
  return t === '' || t === '.' || Number(t) <= 100;
}

/**
 * Register an adapter trained here on the network's ModelRegistry: the owner's share of fees (fixed
 * on chain), an optional URI, the training manifest previewed as it will be sent, then a
 * confirmation before the wallet signs.
 */
export function RegisterDialog({ adapter, network, onClose, onRegistered }: RegisterDialogProps) {
  const wallet = useCall('wallet.status', {});
  useEvent('status.changed', wallet.reload); // unlocked or locked elsewhere (the Wallet page, auto-lock)
  const preview = useCall('models.manifest', { adapter: adapter.name });
  const register = useAction('models.register');
  const [share, setShare] = useState(DEFAULT_SHARE);
  const [uri, setUri] = useState('');
  const [confirming, setConfirming] = useState(false);
  // Left after being focused, or Register tried: from then on the share's check is said in full.
  const [shareTouched, setShareTouched] = useState(false);
  const bps = percentToBps(share);
  const serverField = fieldError(register.error, { ownerShareBps: 'The owner share', uri: 'The URI' });
  const shareWrong = bps === null && (shareTouched || !couldBecomeShare(share));
  const shareError = shareWrong ? 'The owner share must be a percentage from 0 to 100, with at most two decimals.' : serverField?.field === 'ownerShareBps' ? serverField.text : null;
  const uriError = serverField?.field === 'uri' ? serverField.text : null;
  const done = register.data;
  const unlocked = wallet.data?.unlocked === true;
  const ready = unlocked && preview.data !== undefined && preview.data.registration === null && bps !== null;

  function onSubmit(e: SubmitEvent<HTMLFormElement>): void {
    e.preventDefault();
    register.reset();
    setShareTouched(true);
    if (ready) setConfirming(true);
  }

  async function send(): Promise<void> {
    if (bps === null) return;
    const out = await register.run({ adapter: adapter.name, ownerShareBps: bps, uri: uri.trim() });
    setConfirming(false);
    if (out) onRegistered(out.registration);
  }

  const title = `Register ${adapter.name} on the ledger`;
  const formId = useId();
  if (done) {
    return (
      <Dialog open title={title} onClose={onClose} testId="register-dialog" footer={<button type="button" className="button button-primary" onClick={onClose} data-testid="register-done">Done</button>}>
        <div role="status" data-testid="register-result">
          <RegisteredView registration={done.registration} network={network} />
        </div>
      </Dialog>
    );
  }

  // In the dialog's footer, so they stay in view however long the manifest is.
  const footer = (
    <div className="register-footer">
      {register.error && !serverField && <ErrorMessage error={register.error} context="The adapter was not registered." testId="register-error" />}
      {confirming ? (
        <div className="register-confirm" role="group" aria-labelledby="register-confirm-text" data-testid="register-confirm">
          <p id="register-confirm-text">
            Register {adapter.name} on {network} with your share at <strong>{bps === null ? '—' : formatPercent(bps)}</strong>? The wallet signs and pays the gas; the
            split cannot be changed afterwards.
          </p>
          <div className="form-actions">
            <button type="button" className="button button-primary" data-testid="register-confirm-send" disabled={register.pending} onClick={() => void send()}>
              Sign and register
            </button>
            <button type="button" className="button" disabled={register.pending} onClick={() => setConfirming(false)}>
              Back
            </button>
            {register.pending && <Spinner label="Registering…" />}
          </div>
        </div>
      ) : (
        <div className="register-footer-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button button-primary" data-testid="register-submit" disabled={!ready}>
            Register…
          </button>
        </div>
      )}
    </div>
  );

  return (
    <Dialog open title={title} onClose={onClose} testId="register-dialog" size="wide" footer={footer}>
      <form id={formId} className="form" onSubmit={onSubmit} noValidate>
        <p className="field-hint">
          Registering puts the adapter&apos;s hash, its base model&apos;s id and the Merkle root of its training manifest on {network}&apos;s ModelRegistry, owned by your
          wallet. Fees paid for the model are split between you and the contributors whose records it was trained on.
        </p>
        <WalletState wallet={wallet} onNavigate={onClose} />
        <div className="field">
          <label className="field-label" htmlFor="register-share">
            Your share of fees (%)
          </label>
          <input
            id="register-share"
            className="input register-share"
            inputMode="decimal"
            data-testid="register-share"
            value={share}
            disabled={confirming || register.pending}
            aria-invalid={shareError ? true : undefined}
            aria-describedby={shareError ? 'register-share-error register-share-hint' : 'register-share-hint'}
            onChange={(e) => {
              setShare(e.target.value);
              register.reset();
            }}
            onBlur={() => setShareTouched(true)}
          />
          <p className="field-hint" id="register-share-hint">
            Fixed on chain once registered: it can never change. The other {bps === null ? 'part' : formatPercent(10_000 - bps)} of every fee goes to the contributors
            below, in proportion to their weights.
          </p>
          {shareError && <FieldMessage id="register-share-error" testId="register-share-error" text={shareError} />}
        </div>
        <div className="field field-wide">
          <label className="field-label" htmlFor="register-uri">
            Where to get it <span className="muted">(optional)</span>
          </label>
          <input
            id="register-uri"
            className="input"
            type="url"
            data-testid="register-uri"
            placeholder="https://… or ipfs://…"
            value={uri}
            disabled={confirming || register.pending}
            aria-invalid={uriError ? true : undefined}
            aria-describedby={uriError ? 'register-uri-error register-uri-hint' : 'register-uri-hint'}
            onChange={(e) => {
              setUri(e.target.value);
              register.reset();
            }}
          />
          <p className="field-hint" id="register-uri-hint">
            A link to the adapter and its manifest, kept on chain for others to find them.
          </p>
          {uriError && <FieldMessage id="register-uri-error" testId="register-uri-error" text={uriError} />}
        </div>
        <section className="register-preview" aria-labelledby="register-preview-title" data-testid="register-preview">
          <h3 className="register-preview-title" id="register-preview-title">
            Training manifest
          </h3>
          {preview.data ? (
            preview.data.registration ? (
              <p data-testid="register-already">It is registered already; its fee split cannot change.</p>
            ) : (
              <ManifestPreview manifest={preview.data.manifest} ownerShareBps={bps} />
            )
          ) : preview.error ? (
            <ErrorMessage error={preview.error} context="Nothing to register yet." onRetry={preview.reload} testId="register-preview-error" />
          ) : (
            <CallFallback call={preview} what="the training manifest" />
          )}
        </section>
      </form>
    </Dialog>
  );
}

function WalletState({ wallet, onNavigate }: { wallet: CallState<WalletStatus>; onNavigate: () => void }) {
  if (!wallet.data) return <CallFallback call={wallet} what="the wallet" />;
  if (wallet.data.unlocked) {
    return (
      <p className="form-note" data-testid="register-wallet">
        Owner and signer: <span className="mono">{wallet.data.address}</span>
      </p>
    );
  }
  return (
    <p className="register-locked" data-testid="register-locked">
      {wallet.data.exists ? 'Registering is signed by your wallet, which is locked.' : 'Registering is signed by your wallet, and there is none yet.'}{' '}
      <a href={pageHref('wallet')} onClick={onNavigate}>
        {wallet.data.exists ? 'Unlock it on the Wallet page' : 'Create or import one on the Wallet page'}
      </a>
      , then come back.
    </p>
  );
}
