import { useState, type SubmitEvent } from 'react';
import type { ApiError, LedgerNetwork } from '../../../shared/api';
import { useAction } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Section } from '../../components/Section';
import { Spinner } from '../../components/Spinner';
import { useSettings } from '../../settings';
import { FieldError } from './FieldError';

type RpcField = 'name' | 'rpcUrl' | 'chainId';

/** The form's own text state: chain id stays a string until Save, so typing never fights the input. */
interface Draft {
  kind: LedgerNetwork['kind'];
  name: string;
  rpcUrl: string;
  chainId: string;
}

function draftOf(network: LedgerNetwork): Draft {
  return network.kind === 'rpc'
    ? { kind: 'rpc', name: network.name, rpcUrl: network.rpcUrl, chainId: String(network.chainId) }
    : { kind: 'devnet', name: '', rpcUrl: '', chainId: '' };
}

function networkOf(d: Draft): LedgerNetwork {
  // The backend validates (and says which field is wrong); here text only becomes the right types.
  return d.kind === 'devnet' ? { kind: 'devnet' } : { kind: 'rpc', name: d.name, rpcUrl: d.rpcUrl, chainId: Number(d.chainId.trim()) };
}

/** Which input an invalid_input error belongs to: its `field` path ends in the input's name. */
function fieldOf(error: ApiError | undefined): RpcField | 'form' | null {
  if (!error || error.code !== 'invalid_input') return null;
  const last = error.field.split('.').pop();
  return last === 'name' || last === 'rpcUrl' || last === 'chainId' ? last : 'form';
}

export function LedgerSection() {
  const settings = useSettings();
  // Lives here, not in the form: a successful save re-keys (remounts) the form.
  const [justSaved, setJustSaved] = useState(false);
  return (
    <Section
      title="Ledger network"
      description="Where your signed contribution records are anchored. The local devnet needs nothing set up; a custom network is any EVM JSON-RPC endpoint."
    >
      {settings.data ? (
        // Keyed by the saved network, so a change made elsewhere resets the form to it.
        <LedgerForm
          key={JSON.stringify(settings.data.ledger)}
          saved={settings.data.ledger}
          justSaved={justSaved}
          onSavedChange={setJustSaved}
        />
      ) : (
        <CallFallback call={settings} what="the settings" />
      )}
    </Section>
  );
}

interface LedgerFormProps {
  saved: LedgerNetwork;
  justSaved: boolean;
  onSavedChange: (saved: boolean) => void;
}

function LedgerForm({ saved, justSaved, onSavedChange }: LedgerFormProps) {
  const settings = useSettings();
  const update = useAction('settings.update');
  const [draft, setDraft] = useState<Draft>(() => draftOf(saved));
  const errorField = fieldOf(update.error?.error);

  function edit(patch: Partial<Draft>): void {
    setDraft((d) => ({ ...d, ...patch }));
    onSavedChange(false);
  }

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    const out = await update.run({ ledger: networkOf(draft) });
    if (out) {
      onSavedChange(true);
      settings.setData(out);
    }
  }

  const fieldProps = (field: RpcField) => ({
    id: `ledger-${field}`,
    className: 'input',
    'aria-invalid': errorField === field || undefined,
    'aria-describedby': errorField === field ? 'ledger-error' : undefined,
  });
  const err = update.error?.error;

  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)}>
      <fieldset className="radio-group">
        <legend className="visually-hidden">Network</legend>
        <label className="radio">
          <input type="radio" name="ledger-kind" value="devnet" checked={draft.kind === 'devnet'} onChange={() => edit({ kind: 'devnet' })} />
          <span>Local devnet (anvil, started by the app)</span>
        </label>
        <label className="radio">
          <input type="radio" name="ledger-kind" value="rpc" checked={draft.kind === 'rpc'} onChange={() => edit({ kind: 'rpc' })} />
          <span>Custom EVM JSON-RPC</span>
        </label>
      </fieldset>

      {draft.kind === 'rpc' && (
        <div className="form-fields">
          <div className="field">
            <label className="field-label" htmlFor="ledger-name">
              Name
            </label>
            <input {...fieldProps('name')} required autoComplete="off" placeholder="OpenLedger testnet" value={draft.name} onChange={(e) => edit({ name: e.target.value })} />
            {errorField === 'name' && err && <FieldError error={err} id="ledger-error" testId="ledger-error" />}
          </div>
          <div className="field">
            <label className="field-label" htmlFor="ledger-rpcUrl">
              RPC URL
            </label>
            {/* type="text", not "url": the backend's rule (http, https, ws, wss) is the one that counts. */}
            <input {...fieldProps('rpcUrl')} required inputMode="url" autoComplete="off" spellCheck={false} placeholder="https://rpc.example.org" value={draft.rpcUrl} onChange={(e) => edit({ rpcUrl: e.target.value })} />
            {errorField === 'rpcUrl' && err && <FieldError error={err} id="ledger-error" testId="ledger-error" />}
          </div>
          <div className="field field-narrow">
            <label className="field-label" htmlFor="ledger-chainId">
              Chain id
            </label>
            <input {...fieldProps('chainId')} required inputMode="numeric" autoComplete="off" placeholder="1" value={draft.chainId} onChange={(e) => edit({ chainId: e.target.value })} />
            {errorField === 'chainId' && err && <FieldError error={err} id="ledger-error" testId="ledger-error" />}
          </div>
        </div>
      )}

      {errorField === 'form' && err && <FieldError error={err} id="ledger-error" testId="ledger-error" />}
      {update.error && errorField === null && <ErrorMessage error={update.error} context="Could not save the ledger network." />}

      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="ledger-save" disabled={update.pending}>
          Save
        </button>
        {update.pending && <Spinner label="Saving…" />}
        {justSaved && !update.pending && (
          <span className="form-note" role="status">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}
