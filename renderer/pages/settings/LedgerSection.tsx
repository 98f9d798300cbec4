import { useState, type SubmitEvent } from 'react';
import type { LedgerNetwork } from '../../../shared/api';
import { useAction } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Section } from '../../components/Section';
import { Spinner } from '../../components/Spinner';
import { useSettings } from '../../settings';
import { fieldError, FieldMessage } from '../wallet/field-error';
import { ConnectionActions } from './ledger/ConnectionActions';
import { DevnetStatus } from './ledger/DevnetStatus';
import './ledger/ledger.css';
import { CONTRACTS, DEFAULT_BATCH_SIZE, DEFAULT_CONFIRMATIONS, PRESETS, draftOf, networkOf, numberProblem, isUnsavedDraft, type Draft, type Profile, type UnsavedDraft } from './ledger/draft';
import { useStoredState } from '../../hooks/useStoredState';

const PROFILES: { profile: Profile; label: string }[] = [
  { profile: 'devnet', label: 'Local devnet (anvil, started by the app)' },
  ...PRESETS.map((p) => ({ profile: p.id, label: `${p.name} · chain ${p.chainId}` })),
  { profile: 'custom', label: 'Custom EVM JSON-RPC' },
];

const LABELS = {
  name: 'Name',
  rpcUrl: 'RPC URL',
  chainId: 'Chain id',
  confirmations: 'Confirmations',
  batchSize: 'Batch size',
  DatanetRegistry: 'DatanetRegistry',
  ContributionRegistry: 'ContributionRegistry',
  ModelRegistry: 'ModelRegistry',
  Settlement: 'Settlement',
};
type Field = keyof typeof LABELS;

const UNSAVED_KEY = 'settings.ledger.unsaved';
const noDraft = (): UnsavedDraft | null => null;

export function LedgerSection() {
  const settings = useSettings();
  return (
    <Section
      title="Ledger network"
      description="Where your signed contribution records are anchored. The local devnet needs nothing set up; OpenLedger's chains and any other EVM JSON-RPC need an RPC URL and the app's contracts on that chain."
      testId="ledger-section"
    >
      {settings.data ? <LedgerForm saved={settings.data.ledger} /> : <CallFallback call={settings} what="the settings" />}
    </Section>
  );
}

function LedgerForm({ saved }: { saved: LedgerNetwork }) {
  const settings = useSettings();
  const update = useAction('settings.update');
  const check = useAction('ledger.check');
  const deploy = useAction('ledger.deploy');
  // Unsaved edits live in the window's storage until Save or Discard: leaving Settings (Ctrl+1..8,
  // a link, Back) or reloading comes back to them instead of dropping them.
  const [unsaved, keepUnsaved, dropUnsaved] = useStoredState<UnsavedDraft | null>(UNSAVED_KEY, noDraft, isUnsavedDraft, 'session');
  const savedKey = JSON.stringify(saved);
  const dirty = unsaved !== null && unsaved.base === savedKey;
  const draft = dirty ? unsaved.draft : draftOf(saved);
  const [justSaved, setJustSaved] = useState(false);

  // The numbers are checked here first: the backend's refusal of 2.5 or 0 is zod's wording, not a sentence.
  const [numberErr, setNumberErr] = useState<{ field: Field; text: string } | null>(null);
  const err = numberErr ?? fieldError<Field>(update.error ?? (check.error?.error.code === 'invalid_input' ? check.error : null) ?? (deploy.error?.error.code === 'invalid_input' ? deploy.error : null), LABELS);
  const isRpc = draft.profile !== 'devnet';
  const preset = PRESETS.find((p) => p.id === draft.profile);

  function edit(patch: Partial<Draft>): void {
    keepUnsaved({ base: savedKey, draft: { ...draft, ...patch } });
    setJustSaved(false);
    setNumberErr(null);
    update.reset();
    check.reset();
    deploy.reset();
  }

  async function save(): Promise<boolean> {
    const problem = numberProblem(draft);
    setNumberErr(problem);
    if (problem) return false;
    const out = await update.run({ ledger: networkOf(draft) });
    if (!out) return false;
    dropUnsaved();
    setJustSaved(true);
    settings.setData(out);
    return true;
  }

  function discard(): void {
    dropUnsaved();
    setNumberErr(null);
    update.reset();
  }

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    check.reset();
    deploy.reset();
    await save();
  }

  const input = (field: Field, value: string, onChange: (v: string) => void, extra: Record<string, unknown> = {}) => (
    <>
      <input
        id={`ledger-${field}`}
        className="input"
        autoComplete="off"
        spellCheck={false}
        value={value}
        aria-invalid={err?.field === field || undefined}
        aria-describedby={err?.field === field ? 'ledger-error' : undefined}
        onChange={(e) => onChange(e.target.value)}
        {...extra}
      />
      {err?.field === field && <FieldMessage id="ledger-error" testId="ledger-error" text={err.text} />}
    </>
  );

  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)}>
      <fieldset className="radio-group">
        <legend className="visually-hidden">Network</legend>
        {PROFILES.map(({ profile, label }) => (
          <label className="radio" key={profile}>
            <input type="radio" name="ledger-profile" value={profile} data-testid={`ledger-profile-${profile}`} checked={draft.profile === profile} onChange={() => edit({ profile })} />
            <span>{label}</span>
          </label>
        ))}
      </fieldset>

      <fieldset className="form-fields" data-testid="ledger-network-fields">
        <legend className="form-fields-title">{PROFILES.find((p) => p.profile === draft.profile)?.label}</legend>
        {draft.profile === 'devnet' && <DevnetStatus />}
        {draft.profile === 'custom' && (
          <div className="field">
            <label className="field-label" htmlFor="ledger-name">
              Name
            </label>
            {input('name', draft.name, (name) => edit({ name }), { required: true, placeholder: 'My chain' })}
          </div>
        )}
        {isRpc && (
          <div className="field">
            <label className="field-label" htmlFor="ledger-rpcUrl">
              RPC URL
            </label>
            {/* type="text", not "url": the backend's rule (http, https, ws, wss) is the one that counts. */}
            {input('rpcUrl', draft.rpcUrl, (rpcUrl) => edit({ rpcUrl }), { required: true, inputMode: 'url', placeholder: 'https://rpc.example.org' })}
            {preset && <span className="field-hint">{preset.name}&apos;s RPC endpoint, from your provider or your own node.</span>}
          </div>
        )}
        {draft.profile === 'custom' && (
          <div className="field field-narrow">
            <label className="field-label" htmlFor="ledger-chainId">
              Chain id
            </label>
            {input('chainId', draft.chainId, (chainId) => edit({ chainId }), { required: true, inputMode: 'numeric', placeholder: '1' })}
          </div>
        )}
        {preset && err?.field === 'chainId' && <FieldMessage id="ledger-error" testId="ledger-error" text={err.text} />}
        {isRpc && (
          <fieldset className="ledger-contracts">
            <legend className="field-label">Contract addresses</legend>
            <p className="field-hint">All four, or none: leave them empty and use Deploy contracts here to put the app&apos;s contracts on this chain.</p>
            {CONTRACTS.map((c) => (
              <div className="field" key={c}>
                <label className="field-label ledger-contract-label" htmlFor={`ledger-${c}`}>
                  {c}
                </label>
                {input(c, draft.contracts[c], (v) => edit({ contracts: { ...draft.contracts, [c]: v } }), { className: 'input mono', placeholder: '0x…' })}
              </div>
            ))}
          </fieldset>
        )}
        <div className="field">
          <label className="field-label" htmlFor="ledger-confirmations">
            Confirmations
          </label>
          {input('confirmations', draft.confirmations, (confirmations) => edit({ confirmations }), {
            className: 'input ledger-narrow-input',
            inputMode: 'numeric',
            placeholder: String(isRpc ? DEFAULT_CONFIRMATIONS.rpc : DEFAULT_CONFIRMATIONS.devnet),
            'aria-describedby': err?.field === 'confirmations' ? 'ledger-error' : 'ledger-confirmations-hint',
          })}
          <span className="field-hint" id="ledger-confirmations-hint">
            Blocks on top before a record counts as final (default {isRpc ? DEFAULT_CONFIRMATIONS.rpc : DEFAULT_CONFIRMATIONS.devnet}).
          </span>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="ledger-batchSize">
            Batch size
          </label>
          {input('batchSize', draft.batchSize, (batchSize) => edit({ batchSize }), {
            className: 'input ledger-narrow-input',
            inputMode: 'numeric',
            placeholder: String(DEFAULT_BATCH_SIZE),
            'aria-describedby': err?.field === 'batchSize' ? 'ledger-error' : 'ledger-batchSize-hint',
          })}
          <span className="field-hint" id="ledger-batchSize-hint">
            Records anchored together under one root by one transaction, 1 to 10,000 (default {DEFAULT_BATCH_SIZE.toLocaleString()}): larger batches cost less gas a record.
          </span>
        </div>
      </fieldset>

      {err?.field === 'form' && <FieldMessage id="ledger-form-error" testId="ledger-error" text={err.text} />}
      {update.error && !err && <ErrorMessage error={update.error} context="Could not save the ledger network." />}

      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="ledger-save" disabled={update.pending}>
          Save
        </button>
        {update.pending && <Spinner label="Saving…" />}
        {dirty && !update.pending && (
          <>
            <button type="button" className="button" data-testid="ledger-discard" onClick={discard}>
              Discard changes
            </button>
            <span className="form-note form-note-pending" role="status" data-testid="ledger-unsaved">
              Not saved yet.
            </span>
          </>
        )}
        {justSaved && !dirty && !update.pending && (
          <span className="form-note" role="status">
            Saved.
          </span>
        )}
      </div>
      <ConnectionActions isRpc={isRpc} saveFirst={() => (dirty ? save() : Promise.resolve(true))} check={check} deploy={deploy} />
    </form>
  );
}
