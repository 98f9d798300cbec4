import type { Item } from '../../../shared/api/schemas/datanets';
import type { LabelSchema } from '../../../shared/datanets/schema';
import { useOverflows } from '../../hooks/useOverflows';
import { ProgressiveImage } from './ProgressiveImage';
import { textChunks } from './textChunks';

/** A column value shown in full up to this length; longer ones are cut (the item's text is the place for long content). */
const FIELD_PREVIEW = 2000;

/**
 * What the item holds. Its text and image show here unless a field already shows them (text
 * spans mark the text, boxes draw on the image). Long text is laid out in blocks that the
 * browser skips while off screen (content-visibility), so a megabyte scrolls smoothly.
 */
export function ItemContentView({ item, schema }: { item: Item; schema: LabelSchema }) {
  const kinds = new Set(schema.fields.map((f) => f.kind));
  const { text, image, fields } = item.content;
  const showText = text !== '' && !kinds.has('text_spans');
  const showImage = image !== null && !kinds.has('image_boxes');
  const columns = Object.entries(fields);
  if (!showText && !showImage && columns.length === 0) return null;
  return (
    <section className="item-content" aria-label="Item" data-testid="item-content">
      {showImage && (
        <div className="item-image">
          <ProgressiveImage image={image} alt={item.source?.path ?? 'The item’s image'} />
          <span className="muted">
            {image.width} × {image.height}
          </span>
        </div>
      )}
      {showText && (
        // Focusable: a long text scrolls here, and keyboard users must be able to scroll it.
        <div className="item-text selectable" data-testid="item-text" tabIndex={0} role="region" aria-label="Text">
          {textChunks(text).map((c) => (
            <div key={c.start} className="text-chunk">
              {text.slice(c.start, c.end)}
            </div>
          ))}
        </div>
      )}
      {columns.length > 0 && (
        <dl className="item-fields">
          {columns.map(([key, value]) => {
            const shown = Array.isArray(value) ? value.map((m) => `${m.role}: ${m.content}`).join('\n') : String(value);
            return (
              <div key={key} className="item-field">
                <dt>{key}</dt>
                <ColumnValue name={key} text={shown.length > FIELD_PREVIEW ? `${shown.slice(0, FIELD_PREVIEW)}…` : shown} />
              </div>
            );
          })}
        </dl>
      )}
    </section>
  );
}

/** A column's value in a box of at most a few lines; when it is longer, the box scrolls and so takes focus. */
function ColumnValue({ name, text }: { name: string; text: string }) {
  const [ref, overflows] = useOverflows<HTMLElement>();
  return (
    <dd ref={ref} className="selectable" tabIndex={overflows ? 0 : undefined} data-testid={`item-column-${name}`}>
      {text}
    </dd>
  );
}
