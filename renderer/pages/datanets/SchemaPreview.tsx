import { useState } from 'react';
import type { LabelSchema } from '../../../shared/datanets/schema';
import { AnnotationForm } from '../annotate/AnnotationForm';

/**
 * The annotation form a schema gives, live while it is built: the annotate view's own form, with
 * labels kept here so it can be tried out (no item, nothing saved, no page-wide shortcuts).
 */
export function SchemaPreview({ schema }: { schema: LabelSchema }) {
  const [labels, setLabels] = useState<Record<string, unknown>>({});
  if (schema.fields.length === 0) {
    return <p className="field-hint">Name a field and give it its labels: it appears here as contributors will see it.</p>;
  }
  return (
    <div className="schema-preview" data-testid="schema-preview">
      <AnnotationForm schema={schema} labels={labels} onChange={(field, value) => setLabels((l) => ({ ...l, [field]: value }))} />
    </div>
  );
}
