import canonicalize from 'canonicalize';
import { keccak256 as reference } from 'ethereum-cryptography/keccak.js';
import { describe, expect, it } from 'vitest';
import { canonicalRecord, jcs, recordBytes, recordHash, recordLeaf, type VersionRecord } from '../../shared/datanets/canonical';
import { toHex } from '../../shared/merkle';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const golden: VersionRecord = {
  itemId: 'it_0123456789abcdef01234567',
  content: {
    text: 'Héllo "world"\n😀',
    fields: { b: 2, a: 'x', messages: [{ role: 'user', content: 'hi' }] },
    image: null,
  },
  labels: { sentiment: 'positive', rating: 4, note: null, spans: [{ start: 0, end: 5, label: 'GREETING' }] },
};
// Written by hand from the rules in shared/datanets/canonical.ts: members sorted at every level,
// the null label gone, `"` and newline escaped, é and 😀 as themselves.
const goldenText = String.raw`{"content":{"fields":{"a":"x","b":2,"messages":[{"content":"hi","role":"user"}]},"image":null,"text":"Héllo \"world\"\n😀"},"itemId":"it_0123456789abcdef01234567","labels":{"rating":4,"sentiment":"positive","spans":[{"end":5,"label":"GREETING","start":0}]},"v":1}`;

const withLabels = (labels: Record<string, unknown>): VersionRecord => ({ ...golden, labels });
const withText = (text: string): VersionRecord => ({ ...golden, content: { ...golden.content, text } });

describe('canonical version record', () => {
  it('serializes the golden record to the hand-written text, UTF-8 encoded', () => {
    expect(canonicalRecord(golden)).toBe(goldenText);
    const bytes = recordBytes(golden);
    expect(hex(bytes)).toBe(Buffer.from(goldenText, 'utf8').toString('hex'));
    expect(hex(bytes)).toContain('48c3a96c6c6f'); // "Héllo": é is c3 a9
    expect(hex(bytes)).toContain('f09f9880'); // 😀 is four bytes, not a surrogate escape
  });

  it('pins the record hash and leaf (change the format: bump "v")', () => {
    expect(hex(recordHash(golden))).toBe(hex(reference(Buffer.from(goldenText, 'utf8'))));
    expect(toHex(recordHash(golden))).toBe('0xbd2f1a3674712ab2de2b410aecd37f199342d1c89053021d0e6c65f1cb77ba15');
    expect(hex(recordLeaf(golden))).toBe(hex(reference(reference(recordHash(golden)))));
  });

  it('does not depend on the order keys were inserted in, at any depth', () => {
    const shuffled: VersionRecord = {
      labels: { spans: [{ label: 'GREETING', end: 5, start: 0 }], note: null, rating: 4, sentiment: 'positive' },
      content: { image: null, fields: { messages: [{ content: 'hi', role: 'user' }], a: 'x', b: 2 }, text: golden.content.text },
      itemId: golden.itemId,
    };
    expect(canonicalRecord(shuffled)).toBe(goldenText);
    // Array order is data and stays.
    const swapped = withLabels({ multi: ['b', 'a'] });
    expect(canonicalRecord(swapped)).toContain('"multi":["b","a"]');
  });

  it('gives the same bytes on every call', () => {
    const a = recordBytes(golden);
    const b = recordBytes(structuredClone(golden));
    expect(hex(a)).toBe(hex(b));
    expect(hex(recordHash(golden))).toBe(hex(recordHash(golden)));
  });

  it('sorts member names by UTF-16 code units, as RFC 8785 says (not by code points)', () => {
    const text = canonicalRecord(withLabels({ b: 1, a: 1, A: 1, é: 1, '😀': 1, '\uffff': 1 }));
    expect(text).toContain(`"labels":{"A":1,"a":1,"b":1,"é":1,"😀":1,"\uffff":1}`);
  });

  it('writes numbers as ECMAScript does and refuses NaN and Infinity', () => {
    const text = canonicalRecord(withLabels({ n: [100, 1.5, 0.1 + 0.2, 1e21, 1e-7, -0, -3, 2 ** 53] }));
    expect(text).toContain('"n":[100,1.5,0.30000000000000004,1e+21,1e-7,0,-3,9007199254740992]');
    expect(() => canonicalRecord(withLabels({ n: NaN }))).toThrow(/it_0123456789abcdef01234567.*NaN/);
    expect(() => canonicalRecord(withLabels({ n: Infinity }))).toThrow(/Infinity/);
  });

  it('escapes only quote, backslash and control characters; refuses lone surrogates', () => {
    const text = canonicalRecord(withText('a\u0001b\tc/d\\e\u007f\u2028'));
    expect(text).toContain(String.raw`"text":"a\u0001b\tc/d\\e` + '\u007f\u2028"');
    expect(() => canonicalRecord(withText('bad \ud800 half'))).toThrow(/Lone surrogate/);
    expect(() => canonicalRecord(withLabels({ '\udc00': 'x' }))).toThrow(/Lone surrogate/);
  });

  it('leaves out the derived thumbnail and labels without a value', () => {
    const image = { cid: 'bafkreiimage', mime: 'image/png' as const, width: 640, height: 480, thumbCid: 'bafkreithumb' };
    const rec: VersionRecord = { itemId: 'it_1', content: { text: '', fields: {}, image }, labels: { cls: 'cat', gone: null, never: undefined } };
    expect(canonicalRecord(rec)).toBe('{"content":{"fields":{},"image":{"cid":"bafkreiimage","height":480,"mime":"image/png","width":640},"text":""},"itemId":"it_1","labels":{"cls":"cat"},"v":1}');
    expect(canonicalRecord({ ...rec, content: { ...rec.content, image: { ...image, thumbCid: null } } })).toBe(canonicalRecord(rec));
    expect(canonicalRecord({ ...rec, labels: { cls: 'cat' } })).toBe(canonicalRecord(rec));
  });

  it('changes with any change of content or labels', () => {
    const base = hex(recordHash(golden));
    expect(hex(recordHash(withText(golden.content.text + ' ')))).not.toBe(base);
    expect(hex(recordHash(withLabels({ ...golden.labels, rating: 5 })))).not.toBe(base);
    expect(hex(recordHash({ ...golden, itemId: 'it_other' }))).not.toBe(base);
  });

  it('keeps a field named __proto__ as a field', () => {
    expect(canonicalRecord(withLabels(JSON.parse('{"__proto__":"x"}') as Record<string, unknown>))).toContain('"labels":{"__proto__":"x"}');
  });

  it('is never 64 bytes long (a Merkle pair): even the smallest record is longer', () => {
    const smallest: VersionRecord = { itemId: '', content: { text: '', fields: {}, image: null }, labels: {} };
    expect(recordBytes(smallest).length).toBeGreaterThan(64);
  });
});

// npm `canonicalize` (RFC 8785) is the second implementation: jcs must agree with it everywhere.
describe('jcs against npm canonicalize', () => {
  let x = 0x9e3779b9;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const chars = ['a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', 'é', 'ß', '€', '中', '\u2028', '\ufeff', '\uffff', '😀', '𝄞'];
  const str = () => Array.from({ length: Math.floor(rnd() * 8) }, () => pick(chars)).join('');
  const num = () => pick([0, -0, 1, -1, 0.5, 1e21, 1e-7, 123456789012, 2 ** 53 + 2, -1.7976931348623157e308, 5e-324, (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20)]);
  const value = (depth: number): unknown => {
    const kind = depth > 3 ? Math.floor(rnd() * 4) : Math.floor(rnd() * 6);
    if (kind === 0) return str();
    if (kind === 1) return num();
    if (kind === 2) return pick([true, false]);
    if (kind === 3) return null;
    if (kind === 4) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 5) }, () => [str(), value(depth + 1)]));
  };

  it('gives the same text for 5,000 random JSON values', () => {
    for (let i = 0; i < 5000; i++) {
      const v = value(0);
      expect(jcs(v)).toBe(canonicalize(v));
    }
  });

  it('gives for random records the text of the documented object', () => {
    for (let i = 0; i < 1000; i++) {
      const labels = value(1);
      const rec: VersionRecord = {
        itemId: str(),
        content: { text: str(), fields: { [str()]: str(), [str()]: num() }, image: rnd() < 0.5 ? null : { cid: str(), mime: 'image/gif', width: 1 + i, height: 2, thumbCid: null } },
        labels: labels !== null && typeof labels === 'object' && !Array.isArray(labels) ? (labels as Record<string, unknown>) : {},
      };
      const { image } = rec.content;
      const documented = {
        v: 1,
        itemId: rec.itemId,
        content: { ...rec.content, image: image && { cid: image.cid, mime: image.mime, width: image.width, height: image.height } },
        labels: Object.fromEntries(Object.entries(rec.labels).filter(([, l]) => l !== null)),
      };
      expect(canonicalRecord(rec)).toBe(canonicalize(documented));
    }
  });

  it('refuses what is not JSON', () => {
    expect(() => jcs(new Date(0))).toThrow(/plain objects/);
    expect(() => jcs(1n)).toThrow(/bigint/);
    expect(() => jcs(() => 1)).toThrow(/function/);
    expect(jcs([undefined, 1])).toBe(canonicalize([undefined, 1]));
    expect(jcs({ a: undefined, b: 1 })).toBe('{"b":1}');
  });
});
