import { z } from 'zod';
import { ItemSort } from './browse';
import { DatanetId, DatanetName, ItemFilter, ItemId } from './datanets';

/**
 * Moving through a datanet one item at a time (the annotate view), over all of it or over the
 * list the dataset view showed: its filter and its order.
 */

/** The list moved through: absent filter and arrival order is the whole datanet. */
const Within = {
  filter: ItemFilter.default({}),
  sort: ItemSort.default('arrival'),
};

export const ItemStepInput = z
  .object({
    datanet: z.union([DatanetId, DatanetName]),
    /** The item to step from; absent: from the start (next) or the end (previous). */
    from: ItemId.optional(),
    /** In the list's order: with `arrival_desc`, next is the older item. */
    direction: z.enum(['next', 'previous']).default('next'),
    /** Only items with no label yet; wraps around the list once. */
    unlabeled: z.boolean().default(false),
    /** Items to pass over, e.g. those skipped in this session. */
    exclude: z.array(ItemId).max(1000).default([]),
    ...Within,
  })
  .strict();

export const ItemPositionInput = z.object({ item: ItemId, ...Within }).strict();

/**
 * An item's 1-based place in the list and the list's length. An item the filter no longer
 * matches (just labeled, in a list of unlabeled ones) has `matches` false and `position` the
 * count of matching items before it.
 */
export const ItemPosition = z.object({ position: z.number().int().nonnegative(), total: z.number().int().nonnegative(), matches: z.boolean() });
export type ItemPosition = z.infer<typeof ItemPosition>;
