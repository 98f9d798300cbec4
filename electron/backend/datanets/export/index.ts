import { exportCsv } from './csv';
import { exportHf } from './hf';
import { exportJsonl } from './jsonl';
import { exportLabelStudio } from './labelstudio';
import type { Exporter, ExportFormat, ExportOptions, ExportResult, ItemIterable } from './types';

export type { ExportFormat, ExportOptions, ExportResult } from './types';
export { EXPORT_FORMATS } from './types';

const EXPORTERS: Readonly<Record<ExportFormat, Exporter>> = { jsonl: exportJsonl, csv: exportCsv, labelstudio: exportLabelStudio, hf: exportHf };

/**
 * Writes the items (a datanet's items with their current labels, streamed in any order the caller
 * chooses) in one format. Each format's file layout is documented on its exporter. Nothing is
 * read whole into memory; a failure or an abort through `options.signal` leaves no half-written file.
 */
export function exportItems(format: ExportFormat, items: ItemIterable, options: ExportOptions): Promise<ExportResult> {
  return EXPORTERS[format](items, options);
}
