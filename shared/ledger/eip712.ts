/**
 * The EIP-712 pieces the app's typed data need, without a dependency: every struct here is flat
 * (static words and strings), so abi.encode is a row of 32-byte words.
 */
import { keccak256 } from '../keccak';
import { fromHex, toHex } from '../merkle';

const encoder = new TextEncoder();

export type Hex = `0x${string}`;

export interface Eip712Domain {
  name: string;
  version: string;
  chainId: number;
  verifyingContract: Hex;
}

/** A field of a flat struct and how it becomes one 32-byte word. */
export type FieldType = 'bytes32' | 'address' | 'uint256' | 'uint64' | 'uint32' | 'uint16' | 'string';
export interface TypedField {
  readonly name: string;
  readonly type: FieldType;
}

export function keccakText(text: string): Uint8Array {
  return keccak256(encoder.encode(text));
}

/** `Name(type1 name1,type2 name2,…)` */
export function encodeType(name: string, fields: readonly TypedField[]): string {
  return `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(',')})`;
}

const UINT_BITS: Partial<Record<FieldType, number>> = { uint256: 256, uint64: 64, uint32: 32, uint16: 16 };

function hexBytes(value: unknown): Uint8Array | null {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]*$/.test(value)) return null;
  return value.length % 2 === 0 ? fromHex(value) : null;
}

function word(type: FieldType, name: string, value: unknown): Uint8Array {
  const out = new Uint8Array(32);
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw new Error(`${name} must be a string`);
      return keccakText(value);
    case 'bytes32': {
      const bytes = hexBytes(value);
      if (bytes?.length !== 32) throw new Error(`${name} must be 32 bytes of hex (0x + 64 digits)`);
      return bytes;
    }
    case 'address': {
      const bytes = hexBytes(value);
      if (bytes?.length !== 20) throw new Error(`${name} must be an address (0x + 40 hex digits)`);
      out.set(bytes, 12);
      return out;
    }
    default: {
      const bits = UINT_BITS[type]!;
      const n = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : null;
      if (n === null || n < 0n || n >= 1n << BigInt(bits)) throw new Error(`${name} must be an integer from 0 to 2^${bits} - 1`);
      let v = n;
      for (let i = 31; i >= 0 && v > 0n; i--, v >>= 8n) out[i] = Number(v & 0xffn);
      return out;
    }
  }
}

/** keccak256(typeHash ‖ enc(field1) ‖ …) of a flat struct. */
export function hashStruct(name: string, fields: readonly TypedField[], value: Record<string, unknown>): Uint8Array {
  const buf = new Uint8Array(32 * (fields.length + 1));
  buf.set(keccakText(encodeType(name, fields)), 0);
  fields.forEach((f, i) => buf.set(word(f.type, f.name, value[f.name]), 32 * (i + 1)));
  return keccak256(buf);
}

export const DOMAIN_FIELDS: readonly TypedField[] = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
];

export function domainSeparator(domain: Eip712Domain): Uint8Array {
  return hashStruct('EIP712Domain', DOMAIN_FIELDS, { ...domain });
}

/** keccak256(0x1901 ‖ domainSeparator ‖ structHash): what a wallet signs. */
export function typedDataDigest(domain: Eip712Domain, structHash: Uint8Array): Hex {
  const buf = new Uint8Array(66);
  buf[0] = 0x19;
  buf[1] = 0x01;
  buf.set(domainSeparator(domain), 2);
  buf.set(structHash, 34);
  return toHex(keccak256(buf)) as Hex;
}
