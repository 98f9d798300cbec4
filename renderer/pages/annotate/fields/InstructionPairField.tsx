import { useId } from 'react';
import type { InstructionPair } from '../../../../shared/datanets/schema';
import type { FieldOf, FieldProps } from './types';
import { useDraftText } from './useDraftText';

const EMPTY: InstructionPair = { system: '', prompt: '', response: '' };
const PARTS = [
  { key: 'system', label: 'System', rows: 2 },
  { key: 'prompt', label: 'Prompt', rows: 3 },
  { key: 'response', label: 'Response', rows: 5 },
] as const;

function asPair(value: unknown): InstructionPair {
  if (value === null || typeof value !== 'object') return EMPTY;
  const v = value as Partial<Record<keyof InstructionPair, unknown>>;
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  return { system: str(v.system), prompt: str(v.prompt), response: str(v.response) };
}

/**
 * System, prompt and response of one training example. The backend needs a prompt; until there
 * is one the pair stays a draft (kept across reloads) and the field says why it is not saved.
 */
export function InstructionPairField({ field, value, onChange, readOnly, item, labelId }: FieldProps<FieldOf<'instruction_pair'>>) {
  const id = useId();
  const saved = JSON.stringify(value === undefined || value === null ? EMPTY : asPair(value));
  const draft = useDraftText(item ? `${item.id}:${field.name}` : null, saved, (json) => {
    const pair = asPair(JSON.parse(json));
    if (pair.system === '' && pair.prompt === '' && pair.response === '') return onChange(null);
    if (pair.prompt.trim() === '') return Promise.resolve(false);
    return onChange(pair);
  });
  const pair = asPair(JSON.parse(draft.text));
  const waiting = pair.prompt.trim() === '' && (pair.system !== '' || pair.response !== '');
  return (
    <div className="pair" role="group" aria-labelledby={labelId} data-testid={`pair-${field.name}`}>
      {PARTS.map((part) => (
        <div className="pair-part" key={part.key}>
          <label className="pair-label" htmlFor={`${id}-${part.key}`}>
            {part.label}
          </label>
          <textarea
            id={`${id}-${part.key}`}
            className="input annotate-textarea"
            rows={part.rows}
            value={pair[part.key]}
            readOnly={readOnly}
            data-testid={`pair-${field.name}-${part.key}`}
            onChange={(e) => draft.change(JSON.stringify({ ...pair, [part.key]: e.target.value }))}
            onFocus={draft.onFocus}
            onBlur={draft.onBlur}
          />
        </div>
      ))}
      {waiting && (
        <p className="field-hint" role="status">
          Not saved yet: a pair needs a prompt. What you typed is kept until then.
        </p>
      )}
    </div>
  );
}
