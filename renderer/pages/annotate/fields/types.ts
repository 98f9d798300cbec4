import type { Item } from '../../../../shared/api/schemas/datanets';
import type { LabelField } from '../../../../shared/datanets/schema';

/** What every field control gets. `F` narrows the field to one kind. */
export interface FieldProps<F extends LabelField = LabelField> {
  field: F;
  /** The current value as the backend stores it (undefined: not set). Controls check its shape themselves. */
  value: unknown;
  /** May return a promise of true once saved (the annotate view does; the create dialog's preview returns nothing). */
  onChange: (value: unknown) => unknown;
  /** The field the number keys act on. */
  active: boolean;
  readOnly: boolean;
  /** Absent in the create dialog's preview. */
  item: Item | undefined;
  /** Id of the field's visible heading, for aria-labelledby. */
  labelId: string;
}

export type FieldOf<K extends LabelField['kind']> = Extract<LabelField, { kind: K }>;
