import type { ItemFilter } from '../../../shared/api/schemas/datanets';

/**
 * The SQL conditions of an item filter over `items i`, with their named parameters, shared by
 * the keyset pages (items.page) and the positional windows (items.window). The full-text query is
 * left to the caller: it decides whether the index drives the scan.
 */
export function filterConditions(datanetId: string, filter: ItemFilter): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = ['i.datanet_id = @datanetId'];
  const params: Record<string, unknown> = { datanetId };
  if (filter.labeled !== undefined) {
    where.push(`${filter.labeled ? '' : 'NOT '}EXISTS (SELECT 1 FROM labels l WHERE l.item_seq = i.seq AND l.field NOT LIKE '$%')`);
  }
  if (filter.reviewed !== undefined) {
    where.push(`${filter.reviewed ? '' : 'NOT '}EXISTS (SELECT 1 FROM labels l WHERE l.item_seq = i.seq AND l.field = '$reviewed' AND l.value = 'true')`);
  }
  if (filter.label) {
    // A choice matches its value; a multiple choice matches when it contains the value.
    where.push(`EXISTS (SELECT 1 FROM labels l WHERE l.item_seq = i.seq AND l.field = @labelField
                AND (l.value = @labelJson OR (json_type(l.value) = 'array' AND EXISTS (SELECT 1 FROM json_each(l.value) e WHERE e.value = @labelValue))))`);
    params.labelField = filter.label.field;
    params.labelJson = JSON.stringify(filter.label.value);
    params.labelValue = typeof filter.label.value === 'string' || typeof filter.label.value === 'number' ? filter.label.value : null;
  }
  if (filter.importId) {
    where.push('i.import_id = @importId');
    params.importId = filter.importId;
  }
  return { where, params };
}

/** Whether the filter's matches change when labels change (not only when items are added). */
export function dependsOnLabels(filter: ItemFilter): boolean {
  return filter.labeled !== undefined || filter.reviewed !== undefined || filter.label !== undefined || filter.query !== undefined;
}
