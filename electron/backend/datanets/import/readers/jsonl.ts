import type { FileReader } from '../types';
import { guardRead } from './file-source';
import { jsonRecordItem } from './json-record';
import { readJsonLines } from './json-lines';

/** JSONL: one item per line, read by `jsonRecordItem` (our JSONL and HF exports' rows included). */
export const readJsonl: FileReader = (file, options) =>
  guardRead(
    file,
    options.signal,
    readJsonLines(file, options, (record, line) => jsonRecordItem(record, line, file, options)),
  );
