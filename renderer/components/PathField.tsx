import type { ApiError } from '../../shared/api';
import type { PickKind } from '../../shared/ipc';
import { pathErrorText } from './path-error-text';
import './PathField.css';

interface PathFieldProps {
  id: string;
  label: string;
  /** What the path must hold; also says it is a path on the computer the backend runs on. */
  hint: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  /** The desktop app's OS dialog fills the field (a browser has no paths to pick, so types one). */
  pick?: PickKind;
  /** The backend's invalid_input error about this path, shown under it. */
  error?: ApiError | undefined;
  disabled?: boolean;
  required?: boolean;
  testId?: string;
}

/**
 * A path on the machine the backend runs on: typed (a browser talking to `studio serve` cannot
 * read the server's disk), or picked with the OS dialog in the desktop app.
 */
export function PathField({ id, label, hint, value, onChange, placeholder, pick, error, disabled = false, required = true, testId }: PathFieldProps) {
  const picker = window.studio?.pickPaths;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className="field path-field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <span className="field-hint" id={hintId}>
        {hint}
      </span>
      <div className="path-field-row">
        <input
          id={id}
          className="input mono"
          required={required}
          autoComplete="off"
          spellCheck={false}
          placeholder={placeholder}
          value={value}
          disabled={disabled}
          data-testid={testId}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${hintId} ${errorId}` : hintId}
          onChange={(e) => onChange(e.target.value)}
        />
        {pick && picker && (
          <button
            type="button"
            className="button"
            disabled={disabled}
            onClick={() =>
              void picker(pick).then((paths) => {
                if (paths[0]) onChange(paths[0]);
              })
            }
          >
            Choose…
          </button>
        )}
      </div>
      {error && (
        <p className="field-error" id={errorId} role="alert">
          {pathErrorText(error, label)}
        </p>
      )}
    </div>
  );
}
