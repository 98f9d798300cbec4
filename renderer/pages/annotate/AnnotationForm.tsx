import { useEffect, useId, useState, type ComponentType } from 'react';
import type { Item } from '../../../shared/api/schemas/datanets';
import type { LabelField, LabelSchema } from '../../../shared/datanets/schema';
import { ChoiceField } from './fields/ChoiceField';
import { FreeTextField } from './fields/FreeTextField';
import { ImageBoxesField } from './fields/ImageBoxesField';
import { InstructionPairField } from './fields/InstructionPairField';
import { MultiChoiceField } from './fields/MultiChoiceField';
import { RatingField } from './fields/RatingField';
import { TextSpansField } from './fields/TextSpansField';
import type { FieldProps } from './fields/types';
import { shortcutAllowed } from './keys';
import './annotate.css';

export interface AnnotationFormProps {
  schema: LabelSchema;
  /** The item being labelled; absent in the create dialog's live preview. */
  item?: Item;
  /** Current value of each field (absent: not set). */
  labels: Record<string, unknown>;
  /** A field changed. The annotate view returns a promise of true once saved, which lets typed text drop its crash-safety copy; a preview may return nothing. */
  onChange: (field: string, value: unknown) => unknown;
  readOnly?: boolean;
  /** Number keys act on the active field and ↑/↓ change it. Off in a preview, which shares the page with other inputs. */
  shortcuts?: boolean;
}

// One control per field kind; `satisfies` makes a new kind in the schema a compile error here.
const CONTROLS = {
  single_choice: ChoiceField,
  image_class: ChoiceField,
  multiple_choice: MultiChoiceField,
  rating: RatingField,
  free_text: FreeTextField,
  instruction_pair: InstructionPairField,
  text_spans: TextSpansField,
  image_boxes: ImageBoxesField,
} satisfies Record<LabelField['kind'], ComponentType<never>>;

const KIND_NAMES: Record<LabelField['kind'], string> = {
  single_choice: 'one choice',
  image_class: 'image class',
  multiple_choice: 'any choices',
  rating: 'rating',
  free_text: 'free text',
  instruction_pair: 'instruction and response',
  text_spans: 'text spans',
  image_boxes: 'image boxes',
};

/** Kinds whose control picks by number key (useDigitKeys); the others are typed into. */
const DIGIT_KINDS: ReadonlySet<LabelField['kind']> = new Set(['single_choice', 'image_class', 'multiple_choice', 'rating', 'text_spans', 'image_boxes']);

/** Every field of a schema, each with its control: the annotate view's form and the create dialog's preview. */
export function AnnotationForm({ schema, item, labels, onChange, readOnly = false, shortcuts = false }: AnnotationFormProps) {
  const [active, setActive] = useState(0);
  const baseId = useId();
  const activeIndex = Math.min(active, schema.fields.length - 1);

  useEffect(() => {
    if (!shortcuts) return;
    const onKey = (e: KeyboardEvent) => {
      if (!shortcutAllowed(e) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
      e.preventDefault();
      const n = schema.fields.length;
      setActive((a) => (Math.min(a, n - 1) + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [shortcuts, schema.fields.length]);

  return (
    <div className="annotation-form" data-testid="annotation-form">
      {schema.fields.map((field, i) => {
        const Control = CONTROLS[field.kind] as ComponentType<FieldProps>;
        const labelId = `${baseId}-${i}`;
        const isActive = shortcuts && i === activeIndex;
        return (
          <section
            key={field.name}
            className={`annotate-field${isActive ? ' annotate-field-active' : ''}`}
            aria-labelledby={labelId}
            data-testid={`field-${field.name}`}
            data-active={isActive}
            onFocusCapture={() => setActive(i)}
            onPointerDownCapture={() => setActive(i)}
          >
            <header className="annotate-field-header">
              <h3 id={labelId} className="annotate-field-name">
                {field.name}
              </h3>
              <span className="annotate-field-kind">{KIND_NAMES[field.kind]}</span>
              {isActive && (
                <span className="annotate-field-keys" data-testid="annotate-field-keys">
                  {DIGIT_KINDS.has(field.kind) ? 'number keys act here' : 'type in its box'} · ↑↓ change field
                </span>
              )}
            </header>
            <Control
              field={field}
              value={labels[field.name]}
              onChange={(value) => onChange(field.name, value)}
              active={isActive}
              readOnly={readOnly}
              item={item}
              labelId={labelId}
            />
          </section>
        );
      })}
    </div>
  );
}
