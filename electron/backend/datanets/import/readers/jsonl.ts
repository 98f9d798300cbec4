import type { FileReader } from '../types';
import { guardRead } from './file-source';
import { readJsonLines } from './json-lines';
import { mapRecord } from './record-mapping';

/** JSONL: one item per line, keys mapped by the rules of `mapRecord`. */
export const readJsonl: FileReader = (file, options) =>
  guardRead(
    file,
    options.signal,
    readJsonLines(file, options, (record, line) => {
      const mapped = mapRecord(record, { map: options.map, schema: options.schema, text: 'required', labels: true });
      if (!mapped.ok) return { item: null, problems: [mapped.reason] };
      return {
        item: { content: { text: mapped.text, fields: mapped.fields, image: null }, source: { path: file, line }, annotations: mapped.annotations },
        problems: mapped.problems,
      };
    }),
  );
