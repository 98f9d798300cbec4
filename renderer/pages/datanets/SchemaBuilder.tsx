import type { LabelFieldKind } from '../../../shared/datanets/schema';
import { KINDS, kindInfo, moveField, newDraftField, RATING_MAX_RANGE, type DraftField, type FieldProblem } from './schema-draft';

interface SchemaBuilderProps {
  fields: readonly DraftField[];
  onChange: (fields: DraftField[]) => void;
  /** What is wrong with a field, by its index: one sentence, placed beside the input it is about. */
  errors: ReadonlyMap<number, FieldProblem>;
}

/** The fields of a new datanet: add, remove, reorder (buttons, or Alt+↑/↓ in a field), pick kinds, list labels. */
export function SchemaBuilder({ fields, onChange, errors }: SchemaBuilderProps) {
  const update = (index: number, patch: Partial<DraftField>) => onChange(fields.map((f, i) => (i === index ? { ...f, ...patch } : f)));
  const move = (index: number, by: -1 | 1) => {
    onChange(moveField(fields, index, by));
    // Keep focus with the field that moved, so Alt+↑ can be pressed again.
    const key = fields[index]?.key;
    requestAnimationFrame(() => document.getElementById(`${key}-name`)?.focus());
  };

  return (
    <div className="schema-builder" data-testid="schema-builder">
      <ol className="schema-fields">
        {fields.map((field, index) => (
          <li
            key={field.key}
            className="schema-field"
            data-testid={`schema-field-${index}`}
            onKeyDown={(e) => {
              if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
              e.preventDefault();
              move(index, e.key === 'ArrowUp' ? -1 : 1);
            }}
          >
            <FieldRow
              field={field}
              index={index}
              count={fields.length}
              error={errors.get(index)}
              onPatch={(patch) => update(index, patch)}
              onMove={(by) => move(index, by)}
              onRemove={() => onChange(fields.filter((_, i) => i !== index))}
            />
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button button-small"
        data-testid="schema-add-field"
        onClick={() => {
          const added = newDraftField(fields);
          onChange([...fields, added]);
          requestAnimationFrame(() => document.getElementById(`${added.key}-name`)?.focus());
        }}
      >
        + Add field
      </button>
    </div>
  );
}

interface FieldRowProps {
  field: DraftField;
  index: number;
  count: number;
  error: FieldProblem | undefined;
  onPatch: (patch: Partial<DraftField>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}

function FieldRow({ field, index, count, error, onPatch, onMove, onRemove }: FieldRowProps) {
  const id = field.key;
  const info = kindInfo(field.kind);
  const errorId = `${id}-error`;
  const invalid = (input: FieldProblem['input']) => (error?.input === input ? true : undefined);
  const described = (input: FieldProblem['input']) => (error?.input === input ? errorId : undefined);
  const message = (input: FieldProblem['input']) =>
    error?.input === input && (
      <p className="field-error" id={errorId} role="alert" data-testid={`schema-field-error-${index}`}>
        {error.message}
      </p>
    );
  const { from, to } = RATING_MAX_RANGE;
  const label = field.name.trim() || `field ${index + 1}`;
  return (
    <>
      <div className="schema-field-head">
        <span className="schema-field-number" aria-hidden="true">
          {index + 1}
        </span>
        <label className="schema-field-part">
          <span className="field-label-small">Name</span>
          <input
            id={`${id}-name`}
            className="input"
            value={field.name}
            spellCheck={false}
            aria-invalid={invalid('name')}
            aria-describedby={described('name')}
            data-testid={`schema-field-name-${index}`}
            onChange={(e) => onPatch({ name: e.target.value })}
          />
        </label>
        <label className="schema-field-part">
          <span className="field-label-small">Kind</span>
          <select
            className="select"
            value={field.kind}
            data-testid={`schema-field-kind-${index}`}
            onChange={(e) => onPatch({ kind: e.target.value as LabelFieldKind })}
          >
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.title}
              </option>
            ))}
          </select>
        </label>
        <div className="schema-field-actions">
          <button type="button" className="icon-button" aria-label={`Move ${label} up`} title="Move up (Alt+↑)" disabled={index === 0} onClick={() => onMove(-1)}>
            ↑
          </button>
          <button type="button" className="icon-button" aria-label={`Move ${label} down`} title="Move down (Alt+↓)" disabled={index === count - 1} onClick={() => onMove(1)}>
            ↓
          </button>
          <button
            type="button"
            className="icon-button icon-button-danger"
            aria-label={`Remove ${label}`}
            title="Remove"
            data-testid={`schema-field-remove-${index}`}
            onClick={onRemove}
          >
            ×
          </button>
        </div>
      </div>
      {message('name')}
      <p className="field-hint schema-field-hint">{info.hint}</p>
      {info.hasLabels && (
        <label className="schema-field-part">
          <span className="field-label-small">Labels, one per line</span>
          <textarea
            className="input textarea schema-labels"
            rows={Math.min(8, Math.max(3, field.labelsText.split('\n').length + 1))}
            value={field.labelsText}
            spellCheck={false}
            placeholder="e.g. “positive” on one line, “negative” on the next"
            aria-invalid={invalid('labels')}
            aria-describedby={described('labels')}
            data-testid={`schema-field-labels-${index}`}
            onChange={(e) => onPatch({ labelsText: e.target.value })}
          />
        </label>
      )}
      {message('labels')}
      {field.kind === 'rating' && (
        <label className="schema-field-part schema-field-narrow">
          <span className="field-label-small">
            Highest rating ({from}–{to})
          </span>
          <input
            className="input"
            type="number"
            min={from}
            max={to}
            step={1}
            value={field.max ?? ''}
            aria-invalid={invalid('max')}
            aria-describedby={described('max')}
            data-testid={`schema-field-max-${index}`}
            // Empty stays empty (not 0), so what is said about it is about what the user sees.
            onChange={(e) => onPatch({ max: e.target.value === '' ? null : Number(e.target.value) })}
          />
        </label>
      )}
      {message('max')}
    </>
  );
}
