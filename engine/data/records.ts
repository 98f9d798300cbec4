/**
 * The plain interface between whatever holds the training data and the engine: the backend reads
 * a frozen datanet version and fills these; the engine turns them into token sequences
 * (examples.ts) and never reads SQLite itself.
 *
 * `id` is opaque to the engine and travels with every example, packed row and batch built from the
 * record, so a later step (attribution) can map each training example back to the record it came
 * from. The backend decides what it holds (an item id and the record's position in the version).
 */
export type TrainingRecord = InstructionRecord | TextRecord | ClassificationRecord;

/** A prompt and the response the model should learn to give; the loss is on the response only. */
export interface InstructionRecord {
  kind: 'instruction';
  id: string;
  /** A system turn; absent or empty means none (a chat template may then write its default one). */
  system?: string;
  prompt: string;
  response: string;
}

/** Plain text for causal language modelling: every token is learned. */
export interface TextRecord {
  kind: 'text';
  id: string;
  text: string;
}

/** A text and its label, learned as a prompt (text and the choices) answered by the label. */
export interface ClassificationRecord {
  kind: 'classification';
  id: string;
  text: string;
  label: string;
  /** Every label the task allows, in the schema's order (the prompt lists them). */
  labels: readonly string[];
}

export type TrainingRecordKind = TrainingRecord['kind'];

const KINDS: readonly string[] = ['instruction', 'text', 'classification'] satisfies TrainingRecordKind[];

/**
 * Checks a record that came from outside the engine (the backend, a file) and returns it typed.
 * An error names the record (by id when it has one) and the member that is wrong.
 */
export function checkRecord(value: unknown): TrainingRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('training record: must be an object');
  const r = value as Record<string, unknown>;
  const id = typeof r.id === 'string' ? r.id : null;
  const where = id === null ? 'training record' : `training record ${JSON.stringify(id)}`;
  if (id === null || id.length === 0) throw new Error(`${where}: id must be a non-empty string`);
  const str = (key: string, optional = false): void => {
    if (optional && r[key] === undefined) return;
    if (typeof r[key] !== 'string') throw new Error(`${where}: ${key} must be a string`);
  };
  switch (r.kind) {
    case 'instruction':
      str('prompt');
      str('response');
      str('system', true);
      break;
    case 'text':
      str('text');
      break;
    case 'classification': {
      str('text');
      str('label');
      const labels = r.labels;
      if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string' && l.length > 0)) {
        throw new Error(`${where}: labels must be a non-empty list of non-empty strings`);
      }
      if (!labels.includes(r.label)) throw new Error(`${where}: label ${JSON.stringify(r.label)} is not one of its labels (${labels.join(', ')})`);
      break;
    }
    default:
      throw new Error(`${where}: kind must be one of ${KINDS.join(', ')}, got ${JSON.stringify(r.kind)}`);
  }
  return value as TrainingRecord;
}
