import { useState, type ChangeEvent, type SubmitEvent } from 'react';
import type { WalletStatus } from '../../../shared/api';
import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { fieldError, FieldMessage } from './field-error';
import { PasswordPair, passwordsProblem } from './PasswordPair';
import { readText } from './read-text';

type Kind = 'mnemonic' | 'privateKey' | 'keystore';

const KINDS: { kind: Kind; label: string }[] = [
  { kind: 'mnemonic', label: 'Recovery phrase' },
  { kind: 'privateKey', label: 'Private key' },
  { kind: 'keystore', label: 'Keystore file (MetaMask, geth)' },
];

const LABELS = { phrase: 'The recovery phrase', privateKey: 'The private key', json: 'The file', keystorePassword: "The file's password", password: 'The password' };

/** Bring an existing key in; the backend re-encrypts it under the new password. */
export function ImportWallet({ onDone, onCancel }: { onDone: (status: WalletStatus) => void; onCancel: () => void }) {
  const importWallet = useAction('wallet.import');
  const [kind, setKind] = useState<Kind>('mnemonic');
  const [phrase, setPhrase] = useState('');
  const [privateKey, setPrivateKey] = useState('');
  const [file, setFile] = useState<{ name: string; json: string } | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [keystorePassword, setKeystorePassword] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState<string | null>(null);
  const err = fieldError(importWallet.error, LABELS);
  const errorOn = (field: keyof typeof LABELS) => (err?.field === field ? err.text : null);

  function onFile(e: ChangeEvent<HTMLInputElement>): void {
    const chosen = e.target.files?.[0];
    setFile(null);
    setFileProblem(null);
    if (!chosen) return;
    readText(chosen, (json) => setFile({ name: chosen.name, json }), setFileProblem);
  }

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    const problem = passwordsProblem(password, repeat);
    setMismatch(problem);
    if (problem) return;
    if (kind === 'keystore' && !file) {
      setFileProblem('Choose the keystore file first.');
      return;
    }
    const source =
      kind === 'mnemonic'
        ? { kind, phrase }
        : kind === 'privateKey'
          ? { kind, privateKey }
          : { kind, json: file?.json ?? '', keystorePassword };
    const out = await importWallet.run({ source, password, replace: false });
    if (out) onDone(out);
  }

  const invalid = (field: keyof typeof LABELS) => ({
    'aria-invalid': errorOn(field) ? true : undefined,
    'aria-describedby': errorOn(field) ? `wallet-import-${field}-error` : undefined,
  });

  return (
    <form className="wallet-flow form" data-testid="wallet-import" onSubmit={(e) => void onSubmit(e)}>
      <fieldset className="radio-group">
        <legend className="field-label">Import from</legend>
        {KINDS.map((k) => (
          <label className="radio" key={k.kind}>
            <input type="radio" name="wallet-import-kind" value={k.kind} checked={kind === k.kind} onChange={() => setKind(k.kind)} />
            <span>{k.label}</span>
          </label>
        ))}
      </fieldset>

      {kind === 'mnemonic' && (
        <div className="field">
          <label className="field-label" htmlFor="wallet-import-phrase">
            Recovery phrase
          </label>
          <textarea id="wallet-import-phrase" className="input textarea mono" rows={3} required autoComplete="off" spellCheck={false} placeholder="twelve or twenty-four words, separated by spaces" value={phrase} onChange={(e) => setPhrase(e.target.value)} {...invalid('phrase')} />
          {errorOn('phrase') && <FieldMessage id="wallet-import-phrase-error" text={errorOn('phrase')!} />}
        </div>
      )}
      {kind === 'privateKey' && (
        <div className="field">
          <label className="field-label" htmlFor="wallet-import-key">
            Private key
          </label>
          <input id="wallet-import-key" className="input mono" type="password" required autoComplete="off" placeholder="64 hex digits, with or without 0x" value={privateKey} onChange={(e) => setPrivateKey(e.target.value)} {...invalid('privateKey')} />
          {errorOn('privateKey') && <FieldMessage id="wallet-import-privateKey-error" text={errorOn('privateKey')!} />}
        </div>
      )}
      {kind === 'keystore' && (
        <>
          <div className="field">
            <label className="field-label" htmlFor="wallet-import-file">
              Keystore file
            </label>
            <input id="wallet-import-file" className="file-input" type="file" accept=".json,application/json,text/plain" onChange={onFile} {...invalid('json')} />
            {file && <span className="field-hint">Read {file.name}.</span>}
            {(fileProblem ?? errorOn('json')) && <FieldMessage id="wallet-import-json-error" text={(fileProblem ?? errorOn('json'))!} />}
          </div>
          <div className="field">
            <label className="field-label" htmlFor="wallet-import-keystore-password">
              The file&apos;s password
            </label>
            <input id="wallet-import-keystore-password" className="input" type="password" autoComplete="off" value={keystorePassword} onChange={(e) => setKeystorePassword(e.target.value)} {...invalid('keystorePassword')} />
            {errorOn('keystorePassword') && <FieldMessage id="wallet-import-keystorePassword-error" text={errorOn('keystorePassword')!} />}
          </div>
        </>
      )}

      <p className="field-hint">A new password for this app: it encrypts the key on this computer.</p>
      <PasswordPair idPrefix="wallet-import" password={password} repeat={repeat} onPassword={setPassword} onRepeat={setRepeat} error={mismatch ?? errorOn('password')} />
      {err?.field === 'form' && <FieldMessage id="wallet-import-form-error" text={err.text} />}
      {importWallet.error && !err && <ErrorMessage error={importWallet.error} context="Could not import the wallet." />}
      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="wallet-import-submit" disabled={importWallet.pending}>
          Import wallet
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Back
        </button>
        {importWallet.pending && <Spinner label="Opening and encrypting the key…" />}
      </div>
    </form>
  );
}
