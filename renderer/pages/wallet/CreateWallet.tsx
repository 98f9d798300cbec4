import { useState, type SubmitEvent } from 'react';
import type { CallOutput, WalletStatus } from '../../../shared/api';
import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { fieldError, FieldMessage } from './field-error';
import { PasswordPair, passwordsProblem } from './PasswordPair';

type Draft = CallOutput<'wallet.create'>;

/**
 * Creating a wallet in three steps: a fresh recovery phrase (held by the backend only in memory),
 * the user writes it down, then types three of its words back with a password. Only that last
 * step writes the keystore, so leaving half-way leaves nothing behind.
 */
export function CreateWallet({ onDone, onCancel }: { onDone: (status: WalletStatus) => void; onCancel: () => void }) {
  const create = useAction('wallet.create');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [step, setStep] = useState<'words' | 'confirm'>('words');

  async function start(): Promise<void> {
    const out = await create.run({});
    if (out) setDraft(out);
  }

  if (!draft) {
    return (
      <div className="wallet-flow" data-testid="wallet-create">
        <p>A new wallet is a key made on this computer. You get a 12-word recovery phrase: with it you can restore the wallet anywhere, and without it a lost password means a lost wallet.</p>
        <div className="form-actions">
          <button type="button" className="button button-primary" data-testid="wallet-create-begin" disabled={create.pending} onClick={() => void start()}>
            Show my recovery phrase
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Back
          </button>
          {create.pending && <Spinner label="Making a key…" />}
        </div>
        {create.error && <ErrorMessage error={create.error} context="Could not start creating a wallet." />}
      </div>
    );
  }
  return step === 'words' ? (
    <WordsStep draft={draft} onNext={() => setStep('confirm')} onCancel={onCancel} />
  ) : (
    <ConfirmStep draft={draft} onBack={() => setStep('words')} onDone={onDone} />
  );
}

function WordsStep({ draft, onNext, onCancel }: { draft: Draft; onNext: () => void; onCancel: () => void }) {
  const [written, setWritten] = useState(false);
  const words = draft.mnemonic.split(' ');
  return (
    <div className="wallet-flow" data-testid="wallet-words-step">
      <h3 className="wallet-step-title">Step 1 of 2: write these words down</h3>
      <p className="wallet-warning" role="note">
        Write the 12 words on paper, in this order, and keep them somewhere safe. Anyone who has them controls the wallet. The app shows them only now: it never stores them in the clear and cannot show them again.
      </p>
      <ol className="wallet-words" data-testid="wallet-words" aria-label="Recovery phrase">
        {words.map((word, i) => (
          <li key={i} className="wallet-word" data-testid="wallet-word" data-index={i}>
            <span className="wallet-word-number" aria-hidden="true">
              {i + 1}
            </span>
            <span className="mono">{word}</span>
          </li>
        ))}
      </ol>
      <p className="field-hint">
        Address of this wallet: <span className="mono selectable">{draft.address}</span>
      </p>
      <label className="checkbox">
        <input type="checkbox" data-testid="wallet-words-written" checked={written} onChange={(e) => setWritten(e.target.checked)} />
        <span>I have written down all 12 words, in order</span>
      </label>
      <div className="form-actions">
        <button type="button" className="button button-primary" data-testid="wallet-words-next" disabled={!written} onClick={onNext}>
          Continue
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

const CONFIRM_LABELS = { words: 'The words', password: 'The password', draftId: 'This phrase' };

function ConfirmStep({ draft, onBack, onDone }: { draft: Draft; onBack: () => void; onDone: (status: WalletStatus) => void }) {
  const confirm = useAction('wallet.confirm');
  const [words, setWords] = useState<Record<number, string>>({});
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState<string | null>(null);
  const err = fieldError(confirm.error, CONFIRM_LABELS);
  // Which word was wrong (the error's field is words.<index>); without one, all three are in question.
  const failure = confirm.error?.error;
  const wrongWord = failure?.code === 'invalid_input' ? /^words\.(\d+)$/.exec(failure.field)?.[1] : undefined;
  const wordInvalid = (i: number) => err?.field === 'words' && (wrongWord === undefined || Number(wrongWord) === i);

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    const problem = passwordsProblem(password, repeat);
    setMismatch(problem);
    if (problem) return;
    const asked = Object.fromEntries(draft.confirmIndices.map((i) => [String(i), (words[i] ?? '').trim()]));
    const out = await confirm.run({ draftId: draft.draftId, words: asked, password });
    if (out) onDone(out);
  }

  return (
    <form className="wallet-flow form" data-testid="wallet-confirm-step" onSubmit={(e) => void onSubmit(e)}>
      <h3 className="wallet-step-title">Step 2 of 2: show you have the words, and choose a password</h3>
      <div className="wallet-confirm-words">
        {draft.confirmIndices.map((i) => (
          <div className="field field-narrow" key={i}>
            <label className="field-label" htmlFor={`wallet-word-${i}`}>
              Word {i + 1}
            </label>
            <input
              id={`wallet-word-${i}`}
              className="input mono"
              data-testid="wallet-confirm-word"
              data-index={i}
              required
              autoComplete="off"
              spellCheck={false}
              autoCapitalize="none"
              aria-invalid={wordInvalid(i) || undefined}
              aria-describedby={wordInvalid(i) ? 'wallet-confirm-error' : undefined}
              value={words[i] ?? ''}
              onChange={(e) => setWords((w) => ({ ...w, [i]: e.target.value }))}
            />
          </div>
        ))}
      </div>
      {err?.field === 'words' && <FieldMessage id="wallet-confirm-error" testId="wallet-confirm-error" text={err.text} />}
      <p className="field-hint">The password encrypts the key on this computer; you need it to unlock the wallet. At least 8 characters.</p>
      <PasswordPair
        idPrefix="wallet-create"
        password={password}
        repeat={repeat}
        onPassword={setPassword}
        onRepeat={setRepeat}
        error={mismatch ?? (err?.field === 'password' ? err.text : null)}
      />
      {err && err.field !== 'words' && err.field !== 'password' && <FieldMessage id="wallet-confirm-form-error" text={err.text} />}
      {confirm.error && !err && <ErrorMessage error={confirm.error} context="Could not create the wallet." />}
      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="wallet-confirm-submit" disabled={confirm.pending}>
          Create wallet
        </button>
        <button type="button" className="button" onClick={onBack}>
          Show the words again
        </button>
        {confirm.pending && <Spinner label="Encrypting the key…" />}
      </div>
    </form>
  );
}
