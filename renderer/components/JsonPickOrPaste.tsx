import { useState, type ChangeEvent } from 'react';
import { FieldMessage } from '../pages/wallet/field-error';
import { readText } from '../pages/wallet/read-text';
import './VerifyChecks.css';

interface JsonPickOrPasteProps {
  /** Prefix of the inputs' ids and test ids: `<prefix>-file`, `<prefix>-text`, `<prefix>-error`. */
  idPrefix: string;
  /** What the file is, as its field's label says it ("Bundle file"). */
  fileLabel: string;
  text: string;
  onText: (text: string) => void;
  /** The backend's complaint about the text, shown under it. */
  error: { text: string } | null;
}

/**
 * A JSON document picked as a file or pasted: the file is read here in the page, so the backend
 * gets the text, never a path on this computer.
 */
export function JsonPickOrPaste({ idPrefix, fileLabel, text, onText, error }: JsonPickOrPasteProps) {
  const [readProblem, setReadProblem] = useState<string | null>(null);

  function onFile(e: ChangeEvent<HTMLInputElement>): void {
    const file = e.target.files?.[0];
    setReadProblem(null);
    if (!file) return;
    readText(file, onText, setReadProblem);
  }

  return (
    <>
      <div className="field field-wide">
        <label className="field-label" htmlFor={`${idPrefix}-file`}>
          {fileLabel}
        </label>
        <input id={`${idPrefix}-file`} className="file-input" type="file" accept=".json,application/json" data-testid={`${idPrefix}-file`} onChange={onFile} />
        {readProblem && <FieldMessage id={`${idPrefix}-read-error`} text={readProblem} />}
      </div>
      <div className="field field-wide">
        <label className="field-label" htmlFor={`${idPrefix}-text`}>
          Or paste its JSON
        </label>
        <textarea
          id={`${idPrefix}-text`}
          className="input textarea mono verify-text"
          data-testid={`${idPrefix}-text`}
          rows={8}
          spellCheck={false}
          value={text}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${idPrefix}-error` : undefined}
          onChange={(e) => onText(e.target.value)}
        />
        {error && <FieldMessage id={`${idPrefix}-error`} testId={`${idPrefix}-error`} text={error.text} />}
      </div>
    </>
  );
}
