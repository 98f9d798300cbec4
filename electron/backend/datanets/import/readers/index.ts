import type { FileFormat, FileReader } from '../types';
import { readCsv } from './csv';
import { readHf } from './hf';
import { readImages } from './images';
import { readJsonl } from './jsonl';
import { readLabelStudio } from './labelstudio';
import { readText } from './text';

const READERS: Readonly<Record<FileFormat, FileReader>> = {
  text: readText,
  jsonl: readJsonl,
  csv: readCsv,
  images: readImages,
  labelstudio: readLabelStudio,
  hf: readHf,
};

/** The reader for a decided format: each yields items, per-line errors and byte progress, and never throws for a bad file. */
export function readerFor(format: FileFormat): FileReader {
  return READERS[format];
}
