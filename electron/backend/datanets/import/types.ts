import type { ItemContent, ItemSource } from '../../../../shared/datanets/item';
import type { LabelSchema } from '../../../../shared/datanets/schema';
import type { BlobStore } from '../../store/blobs';

export const IMPORT_FORMATS = ['auto', 'text', 'jsonl', 'csv', 'images', 'labelstudio', 'hf'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
/** A format a single file is read as, once `auto` has been decided. */
export type FileFormat = Exclude<ImportFormat, 'auto'>;

export const DEFAULT_MAX_LINE_BYTES = 10 * 1024 * 1024;

export interface ReadOptions {
  /** Item field ← source key or column, e.g. { text: 'review_body', sentiment: 'label' }. A target that names a schema field becomes an annotation. */
  map: Readonly<Record<string, string>>;
  /** A line (JSONL, CSV record) longer than this is reported and skipped. */
  maxLineBytes: number;
  schema: LabelSchema;
  /** The folder the user chose: files a Label Studio task names outside it are refused. */
  root: string;
  blobs: BlobStore;
  signal: AbortSignal;
}

/** An annotation that came with the item (a Label Studio annotation, a mapped label column). */
export interface ImportedAnnotation {
  field: string;
  value: unknown;
  /** Who made it at the source, when the source says (Label Studio's completed_by). */
  author: string | null;
}

export interface ImportedItem {
  content: ItemContent;
  source: ItemSource;
  annotations: ImportedAnnotation[];
}

/**
 * What reading one file yields, in order. A bad line or record is an `error` and reading goes on;
 * `bytes` reports how far into the file the reader is (for the progress bar and ETA).
 */
export type ReadEvent =
  | { type: 'item'; item: ImportedItem }
  | { type: 'error'; path: string; line: number | null; reason: string }
  | { type: 'bytes'; path: string; read: number };

export type FileReader = (file: string, options: ReadOptions) => AsyncIterable<ReadEvent>;

/** A file found under the paths given to import, with the format it will be read as. */
export type SourceFile = { path: string; size: number; format: FileFormat };

/** What walking the given paths yields: files to read, or problems (unreadable folder, symlink loop) to report. */
export type WalkEvent = { type: 'file'; file: SourceFile } | { type: 'error'; path: string; line: null; reason: string };
