import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Datanet } from '../../../shared/api';
import { useAction } from '../../api';
import { Dialog } from '../../components/Dialog';
import { submitOnCtrlEnter } from '../../components/ctrl-enter';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LabelStudioConfigTab } from './LabelStudioConfigTab';
import { SchemaBuilder } from './SchemaBuilder';
import { SchemaPreview } from './SchemaPreview';
import { checkFields, factProblems, newDraftField, placeError, previewSchema, toSchema, type DraftField, type FieldProblem, type PlacedError } from './schema-draft';
import { useStoredState } from '../../hooks/useStoredState';

/** Common SPDX ids for data; any other id or expression can be typed. */
const LICENSES = ['CC-BY-4.0', 'CC-BY-SA-4.0', 'CC0-1.0', 'CC-BY-NC-4.0', 'ODC-By-1.0', 'ODbL-1.0', 'MIT', 'Apache-2.0', 'LicenseRef-proprietary'];

type SchemaMode = 'builder' | 'labelstudio';

interface Draft {
  name: string;
  description: string;
  license: string;
  mode: SchemaMode;
  fields: DraftField[];
  config: string;
}

const DRAFT_KEY = 'studio.datanets.createDraft';
const emptyDraft = (): Draft => {
  const first = newDraftField([]);
  return { name: '', description: '', license: 'CC-BY-4.0', mode: 'builder', fields: [{ ...first, name: 'label' }], config: '' };
};
const isDraft = (v: unknown): v is Draft =>
  typeof v === 'object' && v !== null && Array.isArray((v as Draft).fields) && typeof (v as Draft).name === 'string' && typeof (v as Draft).config === 'string';

interface CreateDatanetDialogProps {
  open: boolean;
  onClose: () => void;
  onCreated: (datanet: Datanet) => void;
}

/** Name, license and label schema of a new datanet; the draft is kept until it is created. */
export function CreateDatanetDialog({ open, onClose, onCreated }: CreateDatanetDialogProps) {
  const [draft, setDraft, clearDraft] = useStoredState(DRAFT_KEY, emptyDraft, isDraft);
  const create = useAction('datanets.create');
  const formId = useId();
  const listId = useId();
  const form = useRef<HTMLFormElement>(null);
  // Set by a submit that found problems: the first one is brought into view and focused once they are drawn.
  const [focusRequest, setFocusRequest] = useState(0);
  // The builder's own check is said in full once Create was pressed; before, only what is plainly
  // wrong as it is typed (a rating out of range), not a new field's labels not given yet.
  const [checkedAll, setCheckedAll] = useState(false);
  const patch = useCallback((p: Partial<Draft>) => setDraft({ ...draft, ...p }), [draft, setDraft]);

  const problem = create.error?.error;
  // A taken name is a conflict, but it is still about the name.
  const target: PlacedError | null =
    problem?.code === 'invalid_input'
      ? placeError(problem.field, problem.message, draft.fields)
      : problem?.code === 'conflict'
        ? { place: 'form', input: 'name', message: problem.message }
        : null;
  const formError = (input: string) => (target?.place === 'form' && target.input === input ? target.message : undefined);
  const check = useMemo(() => checkFields(draft.fields), [draft.fields]);
  const fieldErrors = new Map<number, FieldProblem>();
  for (const [index, problems] of check.fields) {
    const shown = checkedAll ? problems[0] : problems.find((p) => p.input === 'max');
    if (shown) fieldErrors.set(index, shown);
  }
  // The backend's word on a field, where the builder's own check has none (it checks the same rules).
  if (target?.place === 'fields') for (const [index, p] of target.problems) if (!fieldErrors.has(index)) fieldErrors.set(index, p);
  const preview = useMemo(() => previewSchema(draft.fields), [draft.fields]);

  useEffect(() => {
    if (focusRequest === 0) return;
    // The first input marked invalid, in the order the form shows them.
    const first = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (!first) return;
    first.scrollIntoView({ block: 'center' });
    first.focus({ preventScroll: true });
  }, [focusRequest]);

  // Once Create was pressed, these follow the typing: a fixed license loses its error at once.
  const facts = factProblems(draft);

  /** An edit of a fact the backend refused clears that refusal: it was about the old text. */
  function editFact(input: 'name' | 'license' | 'description', value: string): void {
    patch({ [input]: value });
    if (target?.place === 'form' && target.input === input) create.reset();
  }

  async function submit(): Promise<void> {
    const base = { name: draft.name, description: draft.description, license: draft.license };
    setCheckedAll(true);
    if (Object.keys(facts).length > 0 || (draft.mode === 'builder' && (check.fields.size > 0 || check.schema))) {
      // Said here, all at once, rather than the backend's first problem only.
      create.reset();
      setFocusRequest((n) => n + 1);
      return;
    }
    const created = await create.run(draft.mode === 'builder' ? { ...base, schema: toSchema(draft.fields) } : { ...base, labelStudioConfig: draft.config });
    if (!created) {
      setFocusRequest((n) => n + 1);
      return;
    }
    clearDraft();
    setCheckedAll(false);
    create.reset();
    onCreated(created);
  }

  const nameError = formError('name') ?? (checkedAll ? facts.name : undefined);
  const licenseError = formError('license') ?? (checkedAll ? facts.license : undefined);
  const descriptionError = formError('description');
  const schemaError = formError('schema') ?? (checkedAll && draft.mode === 'builder' ? check.schema : undefined);
  const unplaced = target ? null : create.error;

  return (
    <Dialog
      open={open}
      title="Create datanet"
      onClose={onClose}
      size="wide"
      testId="create-datanet-dialog"
      footer={
        <>
          <span className="field-hint dialog-footer-hint">The draft is kept if you close this.</span>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button button-primary" disabled={create.pending} data-testid="create-datanet-submit">
            {create.pending ? 'Creating…' : 'Create datanet'}
          </button>
        </>
      }
    >
      <form
        id={formId}
        ref={form}
        className="create-datanet"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        // Ctrl/⌘+Enter creates from anywhere, textareas included.
        onKeyDown={submitOnCtrlEnter(submit)}
      >
        <div className="create-datanet-facts">
          <label className="field">
            <span className="field-label">Name</span>
            <input
              className="input"
              value={draft.name}
              maxLength={80}
              placeholder="e.g. Support tickets"
              aria-invalid={nameError ? true : undefined}
              aria-describedby={nameError ? `${formId}-name-error` : undefined}
              data-testid="create-datanet-name"
              onChange={(e) => editFact('name', e.target.value)}
            />
            {nameError && <FieldMessage id={`${formId}-name-error`} message={nameError} testId="create-datanet-name-error" />}
          </label>
          <label className="field">
            <span className="field-label">License</span>
            <input
              className="input"
              value={draft.license}
              list={listId}
              spellCheck={false}
              aria-invalid={licenseError ? true : undefined}
              aria-describedby={`${formId}-license-hint${licenseError ? ` ${formId}-license-error` : ''}`}
              data-testid="create-datanet-license"
              onChange={(e) => editFact('license', e.target.value)}
            />
            <datalist id={listId}>
              {LICENSES.map((l) => (
                <option key={l} value={l} />
              ))}
            </datalist>
            <span className="field-hint" id={`${formId}-license-hint`}>
              An SPDX id, e.g. CC-BY-4.0, or an expression such as &quot;MIT OR Apache-2.0&quot;.
            </span>
            {licenseError && <FieldMessage id={`${formId}-license-error`} message={licenseError} testId="create-datanet-license-error" />}
          </label>
          <label className="field create-datanet-description">
            <span className="field-label">Description</span>
            <textarea
              className="input textarea"
              rows={2}
              value={draft.description}
              placeholder="What the items are and how to label them (optional)"
              aria-invalid={descriptionError ? true : undefined}
              data-testid="create-datanet-description"
              onChange={(e) => editFact('description', e.target.value)}
            />
            {descriptionError && <FieldMessage id={`${formId}-description-error`} message={descriptionError} />}
          </label>
        </div>

        <SchemaTabs mode={draft.mode} onMode={(mode) => patch({ mode })} idBase={formId} />
        {schemaError && <FieldMessage id={`${formId}-schema-error`} message={schemaError} testId="create-datanet-schema-error" />}
        {draft.mode === 'builder' ? (
          <div className="create-datanet-schema" role="tabpanel" id={`${formId}-panel-builder`} aria-labelledby={`${formId}-tab-builder`}>
            <SchemaBuilder
              fields={draft.fields}
              onChange={(fields) => {
                // The backend's word on a field is about the fields as they were sent.
                if (target?.place === 'fields') create.reset();
                patch({ fields });
              }}
              errors={fieldErrors}
            />
            <aside className="create-datanet-preview" aria-label="Preview of the annotation form">
              <h3 className="preview-title">Preview</h3>
              <SchemaPreview schema={preview} />
            </aside>
          </div>
        ) : (
          <div role="tabpanel" id={`${formId}-panel-labelstudio`} aria-labelledby={`${formId}-tab-labelstudio`}>
            <LabelStudioConfigTab config={draft.config} onChange={(config) => patch({ config })} error={formError('labelStudioConfig')} />
          </div>
        )}
        {unplaced && <ErrorMessage error={unplaced} context="Could not create the datanet." testId="create-datanet-error" />}
      </form>
    </Dialog>
  );
}

function FieldMessage({ id, message, testId }: { id: string; message: string; testId?: string }) {
  return (
    <span className="field-error" id={id} role="alert" data-testid={testId}>
      {message}
    </span>
  );
}

function SchemaTabs({ mode, onMode, idBase }: { mode: SchemaMode; onMode: (m: SchemaMode) => void; idBase: string }) {
  const tabs: [SchemaMode, string][] = [
    ['builder', 'Build the schema'],
    ['labelstudio', 'Paste Label Studio config'],
  ];
  return (
    <div
      className="tabs"
      role="tablist"
      aria-label="Label schema"
      onKeyDown={(e) => {
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        e.preventDefault();
        const next = mode === 'builder' ? 'labelstudio' : 'builder';
        onMode(next);
        requestAnimationFrame(() => document.getElementById(`${idBase}-tab-${next}`)?.focus());
      }}
    >
      {tabs.map(([id, title]) => (
        <button
          key={id}
          type="button"
          role="tab"
          id={`${idBase}-tab-${id}`}
          aria-selected={mode === id}
          aria-controls={`${idBase}-panel-${id}`}
          tabIndex={mode === id ? 0 : -1}
          className="tab"
          data-testid={`schema-tab-${id}`}
          onClick={() => onMode(id)}
        >
          {title}
        </button>
      ))}
    </div>
  );
}
