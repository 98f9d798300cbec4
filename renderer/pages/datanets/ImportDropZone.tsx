import { useRef, useState, type DragEvent } from 'react';
import { formatBytes } from '../../../shared/format';
import { EMPTY_SELECTION, addFiles, addPaths, filesFromDrop, filesFromInput, type ImportSelection } from './import-sources';

interface ImportDropZoneProps {
  selection: ImportSelection;
  /** An update of the selection as it is when the update lands: a folder walk can end after other changes. */
  onChange: (update: (current: ImportSelection) => ImportSelection) => void;
  disabled: boolean;
}

const SHOWN = 8;

/**
 * Where files and folders come in: dropped, or picked with the OS dialog (desktop app) or the
 * browser's file and folder inputs.
 */
export function ImportDropZone({ selection, onChange, disabled }: ImportDropZoneProps) {
  const bridge = window.studio;
  // The desktop app's bridge: paths on disk, read in place by the backend. Absent in a browser.
  const desktop = bridge?.pathsForFiles && bridge.pickPaths ? { pathsForFiles: bridge.pathsForFiles, pickPaths: bridge.pickPaths } : null;
  const [over, setOver] = useState(false);
  const [reading, setReading] = useState(false);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  function onDrop(e: DragEvent<HTMLDivElement>): void {
    e.preventDefault();
    setOver(false);
    if (disabled) return;
    if (desktop) {
      const paths = desktop.pathsForFiles([...e.dataTransfer.files]);
      onChange((current) => addPaths(current, paths));
      return;
    }
    setReading(true);
    filesFromDrop(e.dataTransfer)
      .then((files) => onChange((current) => addFiles(current, files)))
      .catch((error: unknown) => console.error('Could not read the dropped files', error))
      .finally(() => setReading(false));
  }

  async function pick(kind: 'files' | 'folder'): Promise<void> {
    if (desktop) {
      const paths = await desktop.pickPaths(kind);
      if (paths.length > 0) onChange((current) => addPaths(current, paths));
      return;
    }
    (kind === 'files' ? filesInput : folderInput).current?.click();
  }

  return (
    <div className="import-source">
      <div
        className={`drop-zone${over ? ' drop-zone-over' : ''}${disabled ? ' drop-zone-disabled' : ''}`}
        data-testid="import-drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
          setOver(true);
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
        }}
        onDrop={onDrop}
      >
        <p className="drop-zone-title">Drop files or folders here</p>
        <p className="field-hint">Text, JSONL, CSV, images, Label Studio exports and Hugging Face dataset folders.</p>
        <div className="form-actions drop-zone-actions">
          <button type="button" className="button button-small" disabled={disabled} data-testid="import-pick-files" onClick={() => void pick('files')}>
            Choose files…
          </button>
          <button type="button" className="button button-small" disabled={disabled} data-testid="import-pick-folder" onClick={() => void pick('folder')}>
            Choose folder…
          </button>
        </div>
        {!desktop && (
          <>
            <input
              ref={filesInput}
              type="file"
              multiple
              hidden
              data-testid="import-files-input"
              onChange={(e) => {
                const files = e.target.files ? filesFromInput(e.target.files) : [];
                onChange((current) => addFiles(current, files));
                e.target.value = '';
              }}
            />
            <input
              ref={(el) => {
                folderInput.current = el;
                // Not in React's typings; Chromium, Firefox and Safari all read it.
                el?.setAttribute('webkitdirectory', '');
              }}
              type="file"
              hidden
              data-testid="import-folder-input"
              onChange={(e) => {
                const files = e.target.files ? filesFromInput(e.target.files) : [];
                onChange((current) => addFiles(current, files));
                e.target.value = '';
              }}
            />
          </>
        )}
      </div>
      {reading && <p className="field-hint">Reading the dropped folders…</p>}
      <SelectionSummary selection={selection} onChange={onChange} disabled={disabled} />
    </div>
  );
}

function SelectionSummary({ selection, onChange, disabled }: ImportDropZoneProps) {
  const names = selection.kind === 'paths' ? selection.paths : selection.files.map((f) => f.path);
  if (names.length === 0 && !(selection.kind === 'files' && selection.skipped > 0)) return null;
  const bytes = selection.kind === 'files' ? selection.files.reduce((n, f) => n + f.file.size, 0) : null;
  const remove = (index: number) =>
    onChange((current) =>
      current.kind === 'paths'
        ? { ...current, paths: current.paths.filter((_, i) => i !== index) }
        : { ...current, files: current.files.filter((_, i) => i !== index) },
    );
  return (
    <div className="import-selection" data-testid="import-selection">
      <div className="import-selection-head">
        <strong>
          {names.length} {selection.kind === 'paths' ? (names.length === 1 ? 'path' : 'paths') : names.length === 1 ? 'file' : 'files'}
          {bytes !== null && ` · ${formatBytes(bytes)}`}
        </strong>
        {selection.kind === 'files' && selection.skipped > 0 && <span className="muted"> · {selection.skipped} hidden files left out</span>}
        <button
          type="button"
          className="button button-small"
          disabled={disabled}
          onClick={() => onChange(() => EMPTY_SELECTION)}
        >
          Clear
        </button>
      </div>
      <ul className="import-selection-list">
        {names.slice(0, SHOWN).map((name, i) => (
          <li key={name}>
            <span className="mono">{name}</span>
            <button type="button" className="icon-button" aria-label={`Leave out ${name}`} disabled={disabled} onClick={() => remove(i)}>
              ×
            </button>
          </li>
        ))}
        {names.length > SHOWN && <li className="muted">and {names.length - SHOWN} more</li>}
      </ul>
    </div>
  );
}
