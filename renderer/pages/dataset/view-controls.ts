import type { ImportRecord, ItemFilter, ItemSort } from '../../../shared/api';
import type { LabelSchema } from '../../../shared/datanets/schema';
import { dateTime } from '../../format';

/** What the toolbar's controls hold; the search text is debounced before it becomes a filter. */
export interface ViewControls {
  text: string;
  labeled: 'any' | 'labeled' | 'unlabeled';
  reviewed: 'any' | 'reviewed' | 'unreviewed';
  /** '' or the JSON of [field, value]. */
  label: string;
  importId: string;
  sort: ItemSort;
  /** Words: full-text search over the filtered table. Meaning: the text goes to semantic search. */
  mode: SearchMode;
}

export type SearchMode = 'words' | 'meaning';

/** Where this window keeps a dataset view's controls (sessionStorage), read back by the annotate view. */
export const viewControlsKey = (datanetId: string) => `dataset-view:${datanetId}`;

export const DEFAULT_CONTROLS: ViewControls = { text: '', labeled: 'any', reviewed: 'any', label: '', importId: '', sort: 'arrival', mode: 'words' };

const ONE_OF = {
  labeled: ['any', 'labeled', 'unlabeled'] satisfies ViewControls['labeled'][],
  reviewed: ['any', 'reviewed', 'unreviewed'] satisfies ViewControls['reviewed'][],
  sort: ['arrival', 'arrival_desc'] satisfies ItemSort[],
  mode: ['words', 'meaning'] satisfies SearchMode[],
};

/** Controls kept from an earlier visit, if they still have this version's shape. */
export function isViewControls(value: unknown): value is ViewControls {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const strings = ['text', 'label', 'importId'].every((k) => typeof v[k] === 'string');
  const choices = Object.entries(ONE_OF).every(([k, allowed]) => (allowed as unknown[]).includes(v[k]));
  return strings && choices;
}

export function isFiltered(c: ViewControls): boolean {
  return c.text.trim() !== '' || c.labeled !== 'any' || c.reviewed !== 'any' || c.label !== '' || c.importId !== '';
}

export function toFilter(c: ViewControls, query: string): ItemFilter {
  const filter: ItemFilter = {};
  if (query.trim()) filter.query = query.trim();
  if (c.labeled !== 'any') filter.labeled = c.labeled === 'labeled';
  if (c.reviewed !== 'any') filter.reviewed = c.reviewed === 'reviewed';
  if (c.label) {
    const [field, value] = JSON.parse(c.label) as [string, unknown];
    filter.label = { field, value };
  }
  if (c.importId) filter.importId = c.importId;
  return filter;
}

/** "sentiment: positive" for every value a label filter can match: choices, multiple-choice labels, ratings. */
export function labelChoices(schema: LabelSchema): { key: string; text: string }[] {
  const out: { key: string; text: string }[] = [];
  for (const f of schema.fields) {
    const values: (string | number)[] =
      f.kind === 'single_choice' || f.kind === 'multiple_choice' || f.kind === 'image_class'
        ? f.labels
        : f.kind === 'rating'
          ? Array.from({ length: f.max }, (_, i) => i + 1)
          : [];
    for (const v of values) out.push({ key: JSON.stringify([f.name, v]), text: `${f.name}: ${v}` });
  }
  return out;
}

/** The folder a browser's files were copied into for an import (electron/transport/uploads.ts names it). */
const UPLOAD_FOLDER = /^up_[0-9a-f]{32}$/;

/**
 * The import filter's choices: each import by what it read ("reviews.jsonl +2", or "files from
 * the browser" for an upload, not its folder's id), when, and how many items it added. An import
 * that added nothing (all duplicates, all refused) has no items to show, so it is left out unless chosen.
 */
export function importChoices(imports: readonly ImportRecord[], chosen: string): { id: string; text: string }[] {
  return imports
    .filter((i) => i.itemsAdded > 0 || i.id === chosen)
    .map((i) => {
      const last = i.paths[0]?.split(/[/\\]/).filter(Boolean).at(-1);
      const first = last === undefined ? i.id : UPLOAD_FOLDER.test(last) ? 'files from the browser' : last;
      const more = i.paths.length > 1 ? ` +${i.paths.length - 1}` : '';
      return { id: i.id, text: `${first}${more} · ${dateTime.format(i.createdAt)} (${i.itemsAdded.toLocaleString()})` };
    });
}
