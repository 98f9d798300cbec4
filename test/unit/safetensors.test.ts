import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAFETENSORS_DTYPES, dtypeBytes, type SafetensorsDtype } from '../../engine/io/dtypes';
import { f32ToBf16, f32ToF16 } from '../../engine/io/half';
import { SafetensorsFile } from '../../engine/io/safetensors-file';
import { encodeSafetensors, writeSafetensors, type TensorToWrite } from '../../engine/io/safetensors-write';
import { tempDir } from '../fixtures/temp-dir';

/** Deterministic bytes that differ per tensor, so a swapped or shifted tensor is caught. */
function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** A file laid out by hand from the format's description, independent of our writer. */
function handBuilt(headerJson: string, data: Uint8Array, pad = ' '): Uint8Array {
  let json = headerJson;
  while (json.length % 8) json += pad;
  const header = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(data, 8 + header.length);
  return out;
}

function save(bytes: Uint8Array, name = 'model.safetensors'): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, bytes);
  return file;
}

async function withFile<T>(file: string, fn: (f: SafetensorsFile) => Promise<T>): Promise<T> {
  const f = await SafetensorsFile.open(file);
  try {
    return await fn(f);
  } finally {
    await f.close();
  }
}

describe('safetensors round trip', () => {
  it('writes and reads back every dtype, its shape and bytes, and the metadata', async () => {
    const tensors: TensorToWrite[] = SAFETENSORS_DTYPES.map((dtype, i) => {
      const shape = i % 3 === 0 ? [3, 1, 2] : i % 3 === 1 ? [5] : [];
      const n = shape.reduce((a, d) => a * d, 1);
      return { name: `t.${dtype.toLowerCase()}`, dtype, shape, data: pattern(n * dtypeBytes(dtype), i + 1) };
    });
    tensors.push({ name: 'empty', dtype: 'F32', shape: [0, 4], data: new Uint8Array(0) });
    const file = path.join(tempDir(), 'all.safetensors');
    await writeSafetensors(file, tensors, { format: 'pt', note: 'ünïcode ✓' });

    await withFile(file, async (f) => {
      expect(f.metadata).toEqual({ format: 'pt', note: 'ünïcode ✓' });
      expect(new Set(f.names)).toEqual(new Set(tensors.map((t) => t.name)));
      for (const t of tensors) {
        const info = f.info(t.name);
        expect(info.dtype, t.name).toBe(t.dtype);
        expect(info.shape, t.name).toEqual(t.shape);
        expect(await f.read(t.name, 'raw'), t.name).toEqual(t.data);
        const native = await f.read(t.name, 'native');
        expect(new Uint8Array(native.buffer, native.byteOffset, native.byteLength), t.name).toEqual(t.data);
      }
      expect((await f.read('t.i64', 'native')).constructor).toBe(BigInt64Array);
      expect((await f.read('t.bf16', 'native')).constructor).toBe(Uint16Array);
    });
    // What we wrote is what the in-memory encoder gives, byte for byte.
    expect(new Uint8Array(fs.readFileSync(file))).toEqual(encodeSafetensors(tensors, { note: 'ünïcode ✓', format: 'pt' }));
  });

  it('reads F32, F16 and BF16 tensors as fp32', async () => {
    const values = Float32Array.from([0, -1.5, 3.140625, 65504, -0.0001, 1e-7]);
    const file = save(
      encodeSafetensors([
        { name: 'a', dtype: 'F32', shape: [2, 3], data: values },
        { name: 'h', dtype: 'F16', shape: [6], data: f32ToF16(values) },
        { name: 'b', dtype: 'BF16', shape: [6], data: f32ToBf16(values) },
        { name: 'i', dtype: 'I64', shape: [1], data: BigInt64Array.of(7n) },
      ]),
    );
    await withFile(file, async (f) => {
      expect(await f.read('a', 'f32')).toEqual(values);
      const h = await f.read('h', 'f32');
      const b = await f.read('b', 'f32');
      for (let i = 0; i < values.length; i++) {
        expect(h[i]).toBeCloseTo(values[i]!, Math.abs(values[i]!) > 1 ? 1 : 6);
        expect(Math.abs(b[i]! - values[i]!)).toBeLessThanOrEqual(Math.abs(values[i]!) * 2 ** -8);
      }
      expect(b[2]).toBe(3.140625);
      expect(h[3]).toBe(65504);
      await expect(f.read('i', 'f32')).rejects.toThrow(/"i" is I64; only F32, F16 and BF16 read as f32/);
      await expect(f.read('nope', 'raw')).rejects.toThrow(/no tensor named "nope"/);
    });
  });
});

describe('safetensors layout, against the format description', () => {
  it('reads a file built by hand byte by byte', async () => {
    // [[1, 2], [3, 4]] as F32 then [-1] as I32, offsets relative to the data start.
    const data = new Uint8Array(20);
    const view = new DataView(data.buffer);
    [1, 2, 3, 4].forEach((v, i) => view.setFloat32(i * 4, v, true));
    view.setInt32(16, -1, true);
    const file = save(
      handBuilt(
        '{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"n":{"dtype":"I32","shape":[1],"data_offsets":[16,20]}}',
        data,
      ),
    );
    await withFile(file, async (f) => {
      expect(f.metadata).toEqual({ format: 'pt' });
      expect(f.names).toEqual(['w', 'n']);
      expect(Array.from(await f.read('w', 'f32'))).toEqual([1, 2, 3, 4]);
      expect(Array.from((await f.read('n', 'native')) as Int32Array)).toEqual([-1]);
      // 8-byte length + the 144-byte padded header + n's begin offset.
      expect(f.byteRange('n')).toEqual({ offset: 8 + 144 + 16, length: 4 });
    });
  });

  it('writes what the reference implementation writes: __metadata__ first, dtype then name order, space padding to 8', () => {
    const bytes = encodeSafetensors(
      [
        { name: 'b', dtype: 'F32', shape: [1], data: Float32Array.of(2) },
        { name: 'c', dtype: 'F16', shape: [1], data: Uint16Array.of(0x3c00) },
        { name: 'a', dtype: 'I64', shape: [1], data: BigInt64Array.of(5n) },
        { name: 'a2', dtype: 'F32', shape: [1], data: Float32Array.of(1) },
      ],
      { z: '1', a: '2' },
    );
    const json =
      '{"__metadata__":{"a":"2","z":"1"},' +
      '"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},' +
      '"a2":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},' +
      '"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]},' +
      '"c":{"dtype":"F16","shape":[1],"data_offsets":[16,18]}}';
    const data = new Uint8Array(18);
    const v = new DataView(data.buffer);
    v.setBigInt64(0, 5n, true);
    v.setFloat32(8, 1, true);
    v.setFloat32(12, 2, true);
    v.setUint16(16, 0x3c00, true);
    expect(Buffer.from(bytes).toString('latin1')).toBe(Buffer.from(handBuilt(json, data)).toString('latin1'));
    expect(new DataView(bytes.buffer).getBigUint64(0, true) % 8n).toBe(0n);
  });

  it('writes no __metadata__ when none is given', () => {
    const bytes = encodeSafetensors([{ name: 'x', dtype: 'U8', shape: [1], data: Uint8Array.of(9) }]);
    expect(Buffer.from(bytes.subarray(8, -1)).toString('latin1')).toMatch(/^\{"x":\{"dtype":"U8","shape":\[1\],"data_offsets":\[0,1\]\}\} *$/);
    expect(bytes.at(-1)).toBe(9);
  });

  it('refuses tensors whose data does not match their shape, duplicate names, and __metadata__ as a name', () => {
    expect(() => encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [2, 2], data: new Float32Array(3) }])).toThrow(
      /"w" is F32 \[2,2\] \(16 bytes\) but its data has 12/,
    );
    const one = { name: 'w', dtype: 'F32', shape: [1], data: new Float32Array(1) } as const;
    expect(() => encodeSafetensors([one, one])).toThrow(/"w" is given twice/);
    expect(() => encodeSafetensors([{ ...one, name: '__metadata__' }])).toThrow(/cannot be a tensor name/);
    expect(() => encodeSafetensors([{ ...one, dtype: 'F128' as SafetensorsDtype }])).toThrow(/unknown dtype "F128"/);
  });
});

describe('malformed safetensors files each say what is wrong and where', () => {
  const f32x2 = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['shorter than the length prefix', () => Uint8Array.of(1, 2, 3), /truncated: 3 bytes is shorter than the 8-byte header length/],
    [
      'header longer than the file',
      () => {
        const b = handBuilt(f32x2, new Uint8Array(8));
        new DataView(b.buffer).setBigUint64(0, 4096n, true);
        return b;
      },
      /truncated: the header says 4096 bytes but the file has \d+ after the length/,
    ],
    [
      'header over the 100 MB limit',
      () => {
        const b = handBuilt(f32x2, new Uint8Array(8));
        new DataView(b.buffer).setBigUint64(0, 100_000_001n, true);
        return b;
      },
      /header too large: 100000001 bytes/,
    ],
    ['data cut short', () => handBuilt(f32x2, new Uint8Array(5)), /"w" ends at 8, past the end of the data \(5 bytes\)/],
    ['trailing bytes', () => handBuilt(f32x2, new Uint8Array(12)), /cover 8 bytes of data but the file has 12/],
    ['unknown dtype', () => handBuilt('{"w":{"dtype":"F12","shape":[2],"data_offsets":[0,8]}}', new Uint8Array(8)), /"w" has unknown dtype "F12"/],
    [
      'overlapping tensors',
      () =>
        handBuilt(
          '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}',
          new Uint8Array(12),
        ),
      /"b" at \[4, 12\] overlaps the tensor before it \(which ends at 8\)/,
    ],
    [
      'a gap between tensors',
      () =>
        handBuilt(
          '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}',
          new Uint8Array(12),
        ),
      /"b" starts at 8, leaving a gap after 4/,
    ],
    [
      'offsets that disagree with the shape',
      () => handBuilt('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', new Uint8Array(8)),
      /"w" is F32 \[3\] \(12 bytes\) but its data_offsets \[0, 8\] span 8/,
    ],
    ['reversed offsets', () => handBuilt('{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}', new Uint8Array(8)), /data_offsets \[8,0\], not \[begin, end\]/],
    ['a negative dimension', () => handBuilt('{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', new Uint8Array(8)), /shape \[-2\], not a list of non-negative integers/],
    ['not JSON', () => handBuilt('{"w":', new Uint8Array(0)), /the header is not valid JSON/],
    ['not starting with {', () => handBuilt('[1,2,3]', new Uint8Array(0)), /does not start with "\{"/],
    ['metadata that is not strings', () => handBuilt('{"__metadata__":{"n":1}}', new Uint8Array(0)), /__metadata__\.n is 1, not a string/],
    ['invalid UTF-8', () => handBuilt('{"\xff":1}', new Uint8Array(0)), /not valid UTF-8/],
  ];
  it.each(cases)('%s', async (_, build, message) => {
    const bytes = build();
    // handBuilt encodes as UTF-8; the invalid-UTF-8 case needs the raw 0xff byte.
    if (message.source.includes('UTF-8')) bytes.set([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d], 8);
    const file = save(bytes, 'bad.safetensors');
    const opened = SafetensorsFile.open(file);
    await expect(opened).rejects.toThrow(message);
    await expect(opened).rejects.toThrow(file);
  });
});
