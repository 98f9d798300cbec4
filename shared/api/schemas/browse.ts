import { z } from 'zod';
import { DatanetId, DatanetName, ImportId, ItemFilter, ItemId } from './datanets';
import { Timestamp } from './common';

/**
 * Browsing a datanet by position (the dataset view's table): a window of rows at any offset of
 * the filtered, sorted list, small enough to send a screenful at a time, and bulk labeling of
 * position ranges of that same list.
 */

/** Arrival order, oldest first or newest first. */
export const ItemSort = z.enum(['arrival', 'arrival_desc']);
export type ItemSort = z.infer<typeof ItemSort>;

/** The most characters of an item's text a row carries; the annotate view loads the whole item. */
export const PREVIEW_CHARS = 300;

/** One table row: trimmed content, one short text per current label, who changed a label last. */
export const ItemPreview = z.object({
  id: ItemId,
  seq: z.number().int().positive(),
  /** At most PREVIEW_CHARS characters of the text (or, for an item without text, of its fields). */
  text: z.string(),
  /** Whether `text` was cut short. */
  truncated: z.boolean(),
  image: z.object({ cid: z.string(), thumbCid: z.string().nullable(), width: z.number().int(), height: z.number().int() }).nullable(),
  /** Schema fields with a current value, in schema order, each as a short text ("positive", "3 spans"). */
  labels: z.array(z.object({ field: z.string(), text: z.string() })),
  reviewed: z.boolean(),
  /**
   * The newest label event (not counting `$` fields such as reviewed), or null when never labeled.
   * `imported`: the label came with an import (its author is the file's, or the importer's), not made in the app.
   */
  lastLabel: z.object({ author: z.string(), at: Timestamp, imported: z.boolean() }).nullable(),
  importId: ImportId.nullable(),
  createdAt: Timestamp,
});
export type ItemPreview = z.infer<typeof ItemPreview>;

const datanet = z.union([DatanetId, DatanetName]);

export const ItemsWindowInput = z
  .object({
    datanet,
    filter: ItemFilter.default({}),
    sort: ItemSort.default('arrival'),
    /** 0-based position in the filtered, sorted list. */
    offset: z.number().int().nonnegative(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();

export const ItemsWindow = z.object({
  /** How many items match the filter now. */
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  items: z.array(ItemPreview),
});
export type ItemsWindow = z.infer<typeof ItemsWindow>;

/** Positions [from, to) of the filtered, sorted list. */
export const PositionRange = z
  .object({ from: z.number().int().nonnegative(), to: z.number().int().positive() })
  .strict()
  .refine((r) => r.to > r.from, { error: 'to must be after from', path: ['to'] });
export type PositionRange = z.infer<typeof PositionRange>;

export const BulkSetInput = z
  .object({
    datanet,
    filter: ItemFilter.default({}),
    sort: ItemSort.default('arrival'),
    ranges: z.array(PositionRange).min(1, 'needs at least one range').max(10_000),
    /**
     * The `total` the selection was made against. If the list has changed since (an import, a
     * label that moved an item in or out of the filter), positions no longer name the same items,
     * and the call is refused rather than label the wrong ones.
     */
    expectTotal: z.number().int().nonnegative(),
    field: z.string().min(1),
    /** null clears the field. */
    value: z.unknown(),
  })
  .strict()
  .refine((i) => i.value !== undefined, { error: 'is required (null clears the field)', path: ['value'] });
