import { FieldMessage } from './field-error';

/** Checked here, before the backend: the backend sees one password and cannot know it was mistyped. */
export function passwordsProblem(password: string, repeat: string): string | null {
  if (password.length < 8) return 'The password must be at least 8 characters.';
  if (password !== repeat) return 'The two passwords differ: type the same password twice.';
  return null;
}

interface PasswordPairProps {
  idPrefix: string;
  password: string;
  repeat: string;
  onPassword: (value: string) => void;
  onRepeat: (value: string) => void;
  error: string | null;
}

/** A new password typed twice, with one error line under both. */
export function PasswordPair({ idPrefix, password, repeat, onPassword, onRepeat, error }: PasswordPairProps) {
  const errorId = `${idPrefix}-password-error`;
  const common = {
    className: 'input',
    type: 'password',
    autoComplete: 'new-password',
    required: true,
    minLength: 8,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? errorId : undefined,
  } as const;
  return (
    <div className="wallet-password-pair">
      <div className="field">
        <label className="field-label" htmlFor={`${idPrefix}-password`}>
          New password
        </label>
        <input {...common} id={`${idPrefix}-password`} data-testid="wallet-new-password" value={password} onChange={(e) => onPassword(e.target.value)} />
      </div>
      <div className="field">
        <label className="field-label" htmlFor={`${idPrefix}-repeat`}>
          Repeat the password
        </label>
        <input {...common} id={`${idPrefix}-repeat`} data-testid="wallet-new-password-repeat" value={repeat} onChange={(e) => onRepeat(e.target.value)} />
      </div>
      {error && <FieldMessage id={errorId} testId="wallet-password-error" text={error} />}
    </div>
  );
}
