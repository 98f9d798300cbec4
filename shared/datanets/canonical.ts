/**
 * The canonical serialization of one record of a datanet version, its hash and its Merkle leaf.
 * Another implementation (any language) that follows this comment gets the same bytes.
 *
 * 1. The object. For an item and its current labels:
 *
 *      { "v": 1,                                   record format version (bump on any change here)
 *        "itemId": "<item id>",
 *        "content": { "text": "<text>",
 *                     "fields": { <column or key>: <scalar or [{ "role", "content" }, …]>, … },
 *                     "image": null | { "cid", "mime", "width", "height" } },
 *        "labels": { <field name>: <current value>, … } }
 *
 *    `image.thumbCid` is left out: the thumbnail is derived, and another image library may render
 *    it differently; the same picture is the same record. A label field with no current value
 *    (never set, or cleared to null) is absent from `labels`, so both read the same. Values are
 *    JSON values as stored (strings, numbers, booleans, null inside values, arrays, objects).
 *
 * 2. The text: JSON Canonicalization Scheme, RFC 8785: no whitespace;
 *    object members sorted by their names compared as arrays of UTF-16 code units (so "é" U+00E9 <
 *    "😀" U+D83D… < "\uFFFF"), recursively; array order kept. The top level therefore reads
 *    `{"content":{"fields":…,"image":…,"text":…},"itemId":…,"labels":…,"v":1}`.
 *    Numbers are IEEE-754 doubles written as ECMAScript's Number.prototype.toString does
 *    (RFC 8785 §3.2.2.3): 100, 1.5, 0.30000000000000004, 1e+21, 1e-7; −0 is written 0; NaN and
 *    ±Infinity are refused. Strings escape only `"` → \", `\` → \\, and U+0000–U+001F (\b \t \n
 *    \f \r in short form, the rest as \u00XX with lowercase hex); every other character, "/" and
 *    non-ASCII included, is written as itself. A string (value or name) with a lone surrogate is
 *    refused (RFC 8785 takes I-JSON only): the version fails, naming the item.
 *    RFC 8785 defines strings, numbers and name order as ECMAScript's JSON.stringify and
 *    Array.prototype.sort have them, so `jcs` below is those plus the recursion. It replaces npm
 *    `canonicalize` on the hot path because it is ~2× faster (saves ~3 s of a 1,000,000-record
 *    version, bench/merkle.ts); the tests check it against `canonicalize` on random values.
 *
 * 3. The bytes: that text encoded as UTF-8, no BOM, no trailing newline. The smallest record
 *    is longer than 64 bytes (see the test), never the length of a Merkle pair.
 *
 * 4. The record hash: keccak256(bytes) (Ethereum's Keccak-256, shared/keccak.ts), not sha-256, so
 *    that a contract can recompute it from the bytes with Solidity's `keccak256`.
 *
 * 5. The Merkle leaf: keccak256(keccak256(recordHash)), i.e. OpenZeppelin's StandardMerkleTree
 *    leaf for the type `bytes32` (`standardLeaf` in shared/merkle.ts, which says why twice). A
 *    version's tree (shared/merkle.ts) takes these leaves in the order the items arrived in the
 *    datanet (items.seq); the version stores each item's position.
 */
import { keccak256Into } from '../keccak';
import { standardLeaf } from '../merkle';
import type { ItemContent } from './item';

export const RECORD_FORMAT_VERSION = 1;

export interface VersionRecord {
  itemId: string;
  content: ItemContent;
  /** Field name → current value; fields without a value may be omitted or null. */
  labels: Readonly<Record<string, unknown>>;
}

const HAS_SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function jcsString(s: string): string {
  if (HAS_SURROGATE.test(s) && LONE_SURROGATE.test(s)) throw new Error('Lone surrogate is not allowed');
  return JSON.stringify(s);
}

/** RFC 8785 text of a JSON value (as JSON.parse makes them). Members set to undefined are skipped, as JSON does. */
export function jcs(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return jcsString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`${value} is not allowed`);
      return JSON.stringify(value); // ECMAScript Number::toString; -0 gives "0"
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v: unknown) => (v === undefined ? 'null' : jcs(v))).join(',')}]`;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new Error('Only plain objects are JSON values');
      const o = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const k of Object.keys(o).sort()) if (o[k] !== undefined) parts.push(`${jcsString(k)}:${jcs(o[k])}`);
      return `{${parts.join(',')}}`;
    }
    default:
      throw new Error(`A ${typeof value} is not a JSON value`);
  }
}

/**
 * The canonical text of an item's content alone: the `content` member of section 1 (no thumbCid).
 * The store keeps items in this form, so a version need not parse and re-serialize them.
 */
export function canonicalContent(content: ItemContent): string {
  const { text, fields, image } = content;
  const img = image && jcs({ cid: image.cid, height: image.height, mime: image.mime, width: image.width });
  return `{"fields":${jcs(fields)},"image":${img ?? 'null'},"text":${jcsString(text)}}`;
}

/** The canonical record from an item's canonical content text (as `canonicalContent` wrote it) and its labels. */
export function canonicalRecordFrom(itemId: string, contentText: string, labels: Readonly<Record<string, unknown>>): string {
  try {
    const parts: string[] = [];
    for (const k of Object.keys(labels).sort()) {
      const v = labels[k];
      if (v !== null && v !== undefined) parts.push(`${jcsString(k)}:${jcs(v)}`);
    }
    return `{"content":${contentText},"itemId":${jcsString(itemId)},"labels":{${parts.join(',')}},"v":${RECORD_FORMAT_VERSION}}`;
  } catch (err) {
    throw new Error(`Record of item ${itemId} cannot be serialized: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The canonical JSON text of a record (section 2 above), its fixed members written in their sorted order. */
export function canonicalRecord(record: VersionRecord): string {
  let content: string;
  try {
    content = canonicalContent(record.content);
  } catch (err) {
    throw new Error(`Record of item ${record.itemId} cannot be serialized: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return canonicalRecordFrom(record.itemId, content, record.labels);
}

const utf8 = new TextEncoder();
let scratch = new Uint8Array(1 << 16);

export function recordBytes(record: VersionRecord): Uint8Array {
  return utf8.encode(canonicalRecord(record));
}

/** keccak256 of the canonical bytes (section 4); encodes into a reused buffer, as this runs once per record. */
export function recordHash(record: VersionRecord): Uint8Array {
  const out = new Uint8Array(32);
  recordTextHashInto(canonicalRecord(record), out, 0);
  return out;
}

/** keccak256 of a canonical record's text (UTF-8) into dst at dstOff, without allocating. */
export function recordTextHashInto(text: string, dst: Uint8Array, dstOff: number): void {
  if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3); // UTF-8 takes ≤ 3 bytes per UTF-16 unit
  const { written } = utf8.encodeInto(text, scratch);
  keccak256Into(scratch, 0, written, dst, dstOff);
}

/** The record's Merkle leaf (section 5). */
export function recordLeaf(record: VersionRecord): Uint8Array {
  return standardLeaf(recordHash(record));
}
