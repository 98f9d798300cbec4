/**
 * Training data from a frozen datanet version: its records, read back and checked against the
 * version's hashes (version-records.ts), become the engine's plain TrainingRecords (engine/data)
 * according to one field of the datanet's label schema:
 *
 * | field kind                  | record          | from                                                  |
 * |-----------------------------|-----------------|-------------------------------------------------------|
 * | instruction_pair            | instruction     | the pair's system (empty: none), prompt and response  |
 * | single_choice, image_class  | classification  | the item's text, the label, the field's labels        |
 * | free_text                   | text            | the field's text (causal LM)                          |
 * | `$text` (ITEM_TEXT)         | text            | the item's own text, labeled or not                   |
 *
 * Items without a value in the field are skipped and counted (`unlabeled`), as are items with no
 * text where the item's text is what is learned (`noText`: an image without text under an
 * image_class field). Which field: `field`, or the schema's only usable one; otherwise the error
 * lists the usable fields.
 *
 * Each record's id is `<item id>@<position>`: the item and its leaf index in the version's Merkle
 * tree (parseTrainingRecordId), so every training example maps back to the version record it came
 * from and that record's proof.
 */
import { ApiFailure } from '../../../shared/api/errors';
import { fieldValidator, type InstructionPair, type LabelField, type LabelSchema } from '../../../shared/datanets/schema';
import type { TrainingRecord, TrainingRecordKind } from '../../../engine/data/records';
import type { DatanetService } from '../datanets/service';
import { frozenVersion, readVersionRecords, type FrozenRecord } from './version-records';

/** The `field` that trains on the items' own text as plain causal LM (not a schema field: those never start with `$`). */
export const ITEM_TEXT = '$text';

const TRAINS_AS: Partial<Record<LabelField['kind'], TrainingRecordKind>> = {
  instruction_pair: 'instruction',
  single_choice: 'classification',
  image_class: 'classification',
  free_text: 'text',
};

export interface UsableField {
  name: string;
  kind: LabelField['kind'];
  trainsAs: TrainingRecordKind;
}

/** The schema's fields that training can use, in schema order. */
export function usableFields(schema: LabelSchema): UsableField[] {
  return schema.fields.flatMap((f) => {
    const trainsAs = TRAINS_AS[f.kind];
    return trainsAs ? [{ name: f.name, kind: f.kind, trainsAs }] : [];
  });
}

export function trainingRecordId(itemId: string, position: number): string {
  return `${itemId}@${position}`;
}

/** The item id and version position a TrainingRecord id names. */
export function parseTrainingRecordId(id: string): { itemId: string; position: number } {
  const at = id.lastIndexOf('@');
  const position = Number(id.slice(at + 1));
  if (at <= 0 || !Number.isSafeInteger(position) || position < 0 || id.slice(at + 1) !== String(position)) {
    throw new Error(`${JSON.stringify(id)} is not a training record id (<item id>@<position>)`);
  }
  return { itemId: id.slice(0, at), position };
}

export interface TrainingSourceOptions {
  /** Datanet id or name. */
  datanet: string;
  /** Version number, id, or "latest". */
  version: number | string;
  /** A usable schema field, or ITEM_TEXT; optional when the schema has exactly one usable field. */
  field?: string | undefined;
}

export interface TrainingSourceCounts {
  /** Version records read. */
  read: number;
  /** TrainingRecords made. */
  records: number;
  /** Skipped: no value (or only whitespace) in the field. */
  unlabeled: number;
  /** Skipped: the item has no text where its text is what is learned. */
  noText: number;
  /** Skipped: a value the field's schema does not accept. */
  invalid: number;
}

export interface TrainingSource {
  datanetId: string;
  versionId: string;
  versionNumber: number;
  /** The version's Merkle root. */
  root: string;
  /** Records in the version. */
  recordCount: number;
  /** The schema field trained on, or ITEM_TEXT. */
  field: string;
  trainsAs: TrainingRecordKind;
  /** classification: the field's labels in schema order; otherwise null. */
  labels: readonly string[] | null;
  /** What the last (or current) pass over records() read and skipped. */
  readonly counts: TrainingSourceCounts;
  /** The TrainingRecords, in the version's leaf order. */
  records(signal?: AbortSignal): AsyncGenerator<TrainingRecord>;
}

function chooseField(schema: LabelSchema, datanetName: string, requested: string | undefined): { field: LabelField | null; trainsAs: TrainingRecordKind } {
  const usable = usableFields(schema);
  const listed = usable.length > 0 ? usable.map((u) => `${u.name} (${u.kind})`).join(', ') : 'none';
  const choices = `Usable fields: ${listed}; or "${ITEM_TEXT}" for the items' own text as plain text.`;
  const fail = (message: string) => new ApiFailure({ code: 'invalid_input', field: 'field', message: `${message} ${choices}` });
  if (requested === ITEM_TEXT) return { field: null, trainsAs: 'text' };
  if (requested !== undefined) {
    const field = schema.fields.find((f) => f.name === requested);
    if (!field) throw fail(`The datanet "${datanetName}" has no field "${requested}".`);
    const trainsAs = TRAINS_AS[field.kind];
    if (!trainsAs) throw fail(`The field "${requested}" (${field.kind}) cannot be trained on.`);
    return { field, trainsAs };
  }
  if (usable.length === 1) return { field: schema.fields.find((f) => f.name === usable[0]!.name)!, trainsAs: usable[0]!.trainsAs };
  if (usable.length === 0) throw fail(`The label schema of "${datanetName}" has no field to train on (instruction_pair, single_choice, image_class or free_text).`);
  throw fail(`The label schema of "${datanetName}" has several fields to train on: choose one with field.`);
}

type Conversion = { record: TrainingRecord } | { skip: 'unlabeled' | 'noText' | 'invalid' };

function convert(field: LabelField | null, record: FrozenRecord): Conversion {
  const id = trainingRecordId(record.itemId, record.position);
  const text = record.content.text;
  if (field === null) return text.trim() === '' ? { skip: 'noText' } : { record: { kind: 'text', id, text } };
  if (!Object.hasOwn(record.labels, field.name)) return { skip: 'unlabeled' };
  const value = record.labels[field.name];
  if (!fieldValidator(field).safeParse(value).success) return { skip: 'invalid' };
  switch (field.kind) {
    case 'instruction_pair': {
      const pair = value as InstructionPair;
      return { record: { kind: 'instruction', id, ...(pair.system ? { system: pair.system } : {}), prompt: pair.prompt, response: pair.response } };
    }
    case 'single_choice':
    case 'image_class':
      if (text.trim() === '') return { skip: 'noText' };
      return { record: { kind: 'classification', id, text, label: value as string, labels: field.labels } };
    case 'free_text':
      return (value as string).trim() === '' ? { skip: 'unlabeled' } : { record: { kind: 'text', id, text: value as string } };
    default:
      throw new Error(`${field.kind} fields are not trained on`);
  }
}

/**
 * Resolves the datanet, version and field (errors before anything is read) and returns a source
 * whose records() streams the TrainingRecords.
 */
export function openTrainingSource(service: DatanetService, options: TrainingSourceOptions): TrainingSource {
  const datanet = service.datanets.get(options.datanet);
  const version = service.versions.get(datanet.id, options.version);
  const { field, trainsAs } = chooseField(datanet.schema, datanet.name, options.field);
  const counts: TrainingSourceCounts = { read: 0, records: 0, unlabeled: 0, noText: 0, invalid: 0 };
  const frozen = frozenVersion(service.db, version.id);
  return {
    datanetId: datanet.id,
    versionId: version.id,
    versionNumber: version.number,
    root: version.root,
    recordCount: version.recordCount,
    field: field?.name ?? ITEM_TEXT,
    trainsAs,
    labels: field && 'labels' in field && trainsAs === 'classification' ? field.labels : null,
    counts,
    async *records(signal) {
      Object.assign(counts, { read: 0, records: 0, unlabeled: 0, noText: 0, invalid: 0 });
      for await (const frozenRecord of readVersionRecords(service.db, frozen, signal)) {
        counts.read++;
        const out = convert(field, frozenRecord);
        if ('skip' in out) counts[out.skip]++;
        else {
          counts.records++;
          yield out.record;
        }
      }
    },
  };
}

/** Every TrainingRecord of the version at once, with the source (its counts final). */
export async function readTrainingRecords(
  service: DatanetService,
  options: TrainingSourceOptions & { signal?: AbortSignal },
): Promise<{ source: TrainingSource; records: TrainingRecord[] }> {
  const source = openTrainingSource(service, options);
  const records: TrainingRecord[] = [];
  for await (const r of source.records(options.signal)) records.push(r);
  return { source, records };
}
