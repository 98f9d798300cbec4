import { TrainingManifest } from '../../../shared/ledger/training-manifest';
import { asSentence } from '../../sentence';

type Issue = NonNullable<ReturnType<typeof TrainingManifest.safeParse>['error']>['issues'][number];
type Path = readonly PropertyKey[];

/**
 * What is wrong with a pasted training manifest, as one sentence a person can act on, or null
 * when it is a manifest (the backend then runs the checks). The validator's own words ("Invalid
 * input: expected object, received undefined" at "adapter") name a type system, not the
 * problem; this names the field and says what it lacks or should hold. Only the first problem:
 * fixing it often fixes those after it.
 */
export function manifestProblem(text: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return asSentence(`The manifest is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = TrainingManifest.safeParse(value);
  if (parsed.success) return null;
  return issueInWords(parsed.error.issues[0]!, value);
}

function issueInWords(issue: Issue, root: unknown): string {
  const path = issue.path;
  const at = valueAt(root, path);
  // Our schema's own messages are already words ("must be 32 bytes of lower-case hex …").
  if (/^must\b/.test(issue.message)) return asSentence(`${subject(path)} ${issue.message}`);
  switch (issue.code) {
    case 'invalid_type': {
      if (path.length === 0) return asSentence(`The manifest must be a JSON object, not ${kindOf(root)}`);
      if (at === undefined) return asSentence(`${subject(path.slice(0, -1))} lacks its ${quote(path.at(-1)!)} field`);
      return asSentence(`${subject(path)} must be ${article(issue.expected)}, not ${typeof at === 'number' ? at : kindOf(at)}`);
    }
    case 'invalid_value':
      if (at === undefined && path.length > 0) return asSentence(`${subject(path.slice(0, -1))} lacks its ${quote(path.at(-1)!)} field`);
      if (path.length === 1 && path[0] === 'format') {
        return asSentence(`The manifest's “format” is ${JSON.stringify(at)}, not "${String(issue.values[0])}": it is not a training manifest, or one of another version`);
      }
      return asSentence(`${subject(path)} must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`);
    case 'unrecognized_keys':
      return asSentence(`${subject(path)} has ${issue.keys.length === 1 ? 'a field' : 'fields'} a training manifest does not: ${issue.keys.map(quote).join(', ')}`);
    case 'too_small':
      return asSentence(`${subject(path)} ${bound(issue.origin, 'at least', issue.minimum)}`);
    case 'too_big':
      return asSentence(`${subject(path)} ${bound(issue.origin, 'at most', issue.maximum)}`);
    default:
      return asSentence(`${subject(path)} is not valid (${issue.message})`);
  }
}

/** "The manifest's “adapter.hash”", or "The manifest" for the whole document. */
function subject(path: Path): string {
  return path.length === 0 ? 'The manifest' : `The manifest's ${quote(name(path))}`;
}

/** "entries[2].proof": the path as one reads it in the JSON. */
function name(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

const quote = (key: PropertyKey) => `“${String(key)}”`;

function bound(origin: string, which: 'at least' | 'at most', limit: number | bigint): string {
  if (origin === 'array') return `must have ${which} ${limit} ${limit === 1 ? 'item' : 'items'}`;
  if (origin === 'string') return Number(limit) === 1 && which === 'at least' ? 'must not be empty' : `must be ${which} ${limit} characters long`;
  return `must be ${which} ${limit}`;
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** What a JSON value is, in words: "an array", "a number", "null". */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return article(typeof v === 'object' ? 'object' : typeof v);
}

function article(kind: string): string {
  const words: Record<string, string> = { object: 'an object', array: 'a list', string: 'a string', number: 'a number', boolean: 'true or false', int: 'a whole number' };
  return words[kind] ?? kind;
}
