/**
 * `version diff A B`: which records B adds, removes or changes relative to A. Both sides come
 * as lists sorted by item id (`compareItemIds`, which is SQLite's BINARY order for TEXT, so
 * `ORDER BY item_id` produces it); one merge pass holds a single entry of each side at a time, so
 * two 1,000,000-record versions diff in constant memory from two streaming queries or pages.
 */

export interface LeafEntry {
  itemId: string;
  /** The record's leaf (or record hash), hex; the two sides must use the same encoding. */
  leaf: string;
}

export type DiffKind = 'added' | 'removed' | 'changed';

export interface DiffEntry {
  kind: DiffKind;
  itemId: string;
}

/**
 * Orders strings by their UTF-8 bytes, which is Unicode code point order. JavaScript's `<`
 * compares UTF-16 code units, which differs once a string has characters above U+FFFF (surrogates
 * D800–DFFF sort below E000–FFFF in UTF-16, above them in UTF-8); this maps each code unit so the
 * order agrees with the bytes.
 */
export function compareItemIds(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x += x < 0xe000 ? 0x2000 : -0x800;
    if (y >= 0xd800) y += y < 0xe000 ? 0x2000 : -0x800;
    return x - y;
  }
  return a.length - b.length;
}

/** Pulls entries and checks that item ids strictly increase: an unsorted input would give a silently wrong diff. */
function* ordered(entries: Iterable<LeafEntry>, side: string): Generator<LeafEntry> {
  let previous: string | null = null;
  for (const e of entries) {
    if (previous !== null && compareItemIds(previous, e.itemId) >= 0) {
      throw new Error(`Version ${side} is not sorted by item id: "${e.itemId}" comes after "${previous}".`);
    }
    previous = e.itemId;
    yield e;
  }
}

/** Streams the differences in item-id order. */
export function* diffVersions(a: Iterable<LeafEntry>, b: Iterable<LeafEntry>): Generator<DiffEntry> {
  const ia = ordered(a, 'A');
  const ib = ordered(b, 'B');
  let x = ia.next();
  let y = ib.next();
  for (;;) {
    if (x.done) {
      if (y.done) return;
      yield { kind: 'added', itemId: y.value.itemId };
      y = ib.next();
    } else if (y.done) {
      yield { kind: 'removed', itemId: x.value.itemId };
      x = ia.next();
    } else {
      const c = compareItemIds(x.value.itemId, y.value.itemId);
      if (c === 0 && x.value.leaf !== y.value.leaf) yield { kind: 'changed', itemId: x.value.itemId };
      else if (c < 0) yield { kind: 'removed', itemId: x.value.itemId };
      else if (c > 0) yield { kind: 'added', itemId: y.value.itemId };
      if (c <= 0) x = ia.next();
      if (c >= 0) y = ib.next();
    }
  }
}

export interface VersionDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

/** The whole diff in memory, for small versions and tests. */
export function collectDiff(a: Iterable<LeafEntry>, b: Iterable<LeafEntry>): VersionDiff {
  const out: VersionDiff = { added: [], removed: [], changed: [] };
  for (const d of diffVersions(a, b)) out[d.kind].push(d.itemId);
  return out;
}
