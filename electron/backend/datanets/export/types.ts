import type { Item } from '../../../../shared/api/schemas/datanets';
import type { LabelSchema } from '../../../../shared/datanets/schema';
import type { BlobStore } from '../../store/blobs';

export const EXPORT_FORMATS = ['jsonl', 'csv', 'labelstudio', 'hf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  /** jsonl, csv, labelstudio: the file to write; hf: the dataset folder. Missing parent folders are made. */
  out: string;
  schema: LabelSchema;
  datanetName: string;
  /** SPDX id or expression (the datanet's license). */
  license: string;
  description: string;
  /** Where items' images are read from (they are copied next to the export). */
  blobs: BlobStore;
  /** Checked between items: an abort ends the export with the signal's reason and leaves no half-written file. */
  signal?: AbortSignal;
  /** hf only: the share of items (0 to 1) in data/test.jsonl; 0 (the default) writes no test split. */
  testFraction?: number;
  /** hf only: mixed into the split hash, so one datanet can be split several different ways, each reproducible. */
  seed?: string | number;
}

export interface ExportResult {
  /** Absolute paths of the files written, then the images/ folder when images were copied into it. */
  files: string[];
  /** Items exported. */
  items: number;
}

export type ItemIterable = AsyncIterable<Item> | Iterable<Item>;

export type Exporter = (items: ItemIterable, options: ExportOptions) => Promise<ExportResult>;
