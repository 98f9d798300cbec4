/**
 * The GGUF writer's pieces against independent references: Q8_0 blocks and Llama's q/k row
 * permutation against numpy running gguf-py's and the converter's formulas (/usr/bin/python3),
 * the file layout read back (every metadata type, alignment, offsets, sizes), the converter's
 * per-tensor types, and one clear error per bad input.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rearrange, tensorType } from '../../engine/gguf/architecture';
import { exportGguf } from '../../engine/gguf/index';
import { GGUF_ALIGNMENT } from '../../engine/gguf/format';
import { GgufMetadata } from '../../engine/gguf/metadata';
import { dequantizeQ8_0, quantizeQ8_0 } from '../../engine/gguf/quantize';
import { readGgufInfo, readGgufTensor } from '../../engine/gguf/reader';
import { preTokenizerName } from '../../engine/gguf/vocab';
import { writeGguf } from '../../engine/gguf/writer';
import { Prng } from '../../engine/train/prng';
import { writeTinyModel } from '../fixtures/tiny-models';
import { ggufTinyModel, randomAdapter } from './gguf-fixture';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gguf-format-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function numpy(script: string, input: Float32Array): Uint8Array {
  const out = execFileSync('/usr/bin/python3', ['-c', `import sys, numpy as np\nx = np.frombuffer(sys.stdin.buffer.read(), dtype=np.float32)\n${script}`], {
    input: Buffer.from(input.buffer, input.byteOffset, input.byteLength),
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function gaussian(n: number, seed: number, scale = 1): Float32Array {
  const random = new Prng(seed);
  return Float32Array.from({ length: n }, () => scale * Math.sqrt(-2 * Math.log(random.nextFloat() + 1e-12)) * Math.cos(2 * Math.PI * random.nextFloat()));
}

describe('Q8_0', () => {
  it("matches gguf-py's Q8_0.quantize_blocks (ggml's quantize_row_q8_0_ref) byte for byte", () => {
    const values = new Float32Array(32 * 40);
    values.set(gaussian(32 * 36, 3, 0.7));
    // A block of zeros, exact halves after scaling (max 127: x·(1/d) = x, so 2.5 rounds away from zero), tiny values (subnormal fp16 scale), one huge value.
    values.set(Float32Array.from({ length: 32 }, (_, i) => (i === 0 ? 127 : i % 2 ? i + 0.5 : -(i + 0.5))), 32 * 37);
    values.set(Float32Array.from({ length: 32 }, (_, i) => (i + 1) * 1e-7), 32 * 38);
    values.set(Float32Array.from({ length: 32 }, (_, i) => (i === 5 ? 6e4 : i)), 32 * 39);
    const reference = numpy(
      `def np_roundf(n):
    a = abs(n); floored = np.floor(a); b = floored + np.floor(2 * (a - floored)); return np.sign(n) * b
blocks = x.reshape(-1, 32)
d = abs(blocks).max(axis=1, keepdims=True) / 127
with np.errstate(divide="ignore"):
    id = np.where(d == 0, 0, 1 / d)
qs = np_roundf(blocks * id)
sys.stdout.buffer.write(np.concatenate([d.astype(np.float16).view(np.uint8), qs.astype(np.int8).view(np.uint8)], axis=1).tobytes())`,
      values,
    );
    const ours = quantizeQ8_0(values);
    expect(ours.length).toBe(40 * 34);
    expect(Buffer.from(ours).equals(Buffer.from(reference))).toBe(true);
    // And it is what it claims: within half a step, plus the fp16 rounding of the step times 127.
    const back = dequantizeQ8_0(ours);
    for (let b = 0; b < 37; b++) {
      const block = values.subarray(b * 32, (b + 1) * 32);
      const step = Math.max(...block.map(Math.abs)) / 127;
      for (let j = 0; j < 32; j++) expect(Math.abs(back[b * 32 + j]! - block[j]!)).toBeLessThanOrEqual(step * (0.5 + 127 / 2048));
    }
  });
});

describe("Llama's q/k permutation", () => {
  it("is the converter's LlamaModel.permute (reshape(heads, 2, d/2, in).swapaxes(1, 2)) for weights and biases", () => {
    const heads = 3;
    const rows = heads * 8;
    const cols = 5;
    const w = Float32Array.from({ length: rows * cols }, (_, i) => i);
    const reference = numpy(`w = x.reshape(${rows}, ${cols})\nsys.stdout.buffer.write(w.reshape(${heads}, 2, w.shape[0] // ${heads} // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape).astype(np.float32).tobytes())`, w);
    expect(Array.from(rearrange(w, [rows, cols], { kind: 'permute-heads', heads }))).toEqual(Array.from(new Float32Array(reference.slice().buffer)));
    const bias = Float32Array.from({ length: rows }, (_, i) => i);
    const biasRef = numpy(`sys.stdout.buffer.write(x.reshape(${heads}, 2, ${rows} // ${heads} // 2).swapaxes(1, 2).reshape(${rows}).astype(np.float32).tobytes())`, bias);
    expect(Array.from(rearrange(bias, [rows], { kind: 'permute-heads', heads }))).toEqual(Array.from(new Float32Array(biasRef.slice().buffer)));
    expect(Array.from(rearrange(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3], { kind: 'transpose' }))).toEqual([1, 4, 2, 5, 3, 6]);
  });
});

describe('the file', () => {
  it('round-trips every metadata type, aligns the data section and each tensor to 32 bytes, and streams tensors in order', async () => {
    const md = new GgufMetadata()
      .string('general.architecture', 'llama')
      .u32('a.u32', 4_000_000_000)
      .f32('a.f32', 0.5)
      .bool('a.bool', true)
      .string('a.string', 'héllo')
      .array('a.strings', 'string', ['x', 'y z', ''])
      .array('a.i32', 'i32', [-1, 2, -3])
      .array('a.u8', 'u8', [0, 255])
      .array('a.i64', 'i64', [-5n, 6n])
      .array('a.f64', 'f64', [1.25])
      .array('a.u16', 'u16', [65535])
      .array('a.i8', 'i8', [-128])
      .array('a.i16', 'i16', [-32768]);
    const a = gaussian(3 * 5, 1);
    const b = gaussian(2 * 64, 2);
    const file = path.join(tmp, 'layout.gguf');
    const progress: number[] = [];
    const order: string[] = [];
    const { bytes } = await writeGguf(
      file,
      md,
      [
        { name: 'a', shape: [3, 5], type: 'F32', values: () => (order.push('a'), a) },
        { name: 'b', shape: [2, 64], type: 'Q8_0', values: () => (order.push('b'), b) },
        { name: 'c', shape: [7], type: 'F16', values: () => (order.push('c'), Float32Array.of(1, 2, 3, 4, 5, 6, 0.1)) },
      ],
      { onProgress: (done) => progress.push(done) },
    );
    expect(order).toEqual(['a', 'b', 'c']);
    const info = await readGgufInfo(file);
    expect(info.version).toBe(3);
    expect(info.fileSize).toBe(bytes);
    expect(progress.at(-1)).toBe(bytes);
    const get = (k: string) => info.metadata.get(k);
    expect(get('general.alignment')).toEqual({ type: 'u32', value: GGUF_ALIGNMENT });
    expect(get('a.u32')).toEqual({ type: 'u32', value: 4_000_000_000 });
    expect(get('a.f32')).toEqual({ type: 'f32', value: 0.5 });
    expect(get('a.bool')).toEqual({ type: 'bool', value: true });
    expect(get('a.string')).toEqual({ type: 'string', value: 'héllo' });
    expect(get('a.strings')?.value).toEqual(['x', 'y z', '']);
    expect(get('a.i32')?.value).toEqual([-1, 2, -3]);
    expect(get('a.u8')?.value).toEqual([0, 255]);
    expect(get('a.i64')?.value).toEqual([-5n, 6n]);
    expect(get('a.f64')?.value).toEqual([1.25]);
    expect([get('a.u16')?.value, get('a.i8')?.value, get('a.i16')?.value]).toEqual([[65535], [-128], [-32768]]);
    expect(info.dataStart % 32).toBe(0);
    expect(info.tensors.map((t) => [t.name, t.ne, t.type, t.offset])).toEqual([
      ['a', [5, 3], 'F32', 0],
      ['b', [64, 2], 'Q8_0', 64], // a: 60 bytes, padded to 64
      ['c', [7], 'F16', 64 + 160], // b: 4 blocks of 34 bytes, padded to 160
    ]);
    expect(bytes).toBe(info.dataStart + 64 + 160 + 32); // c: 14 bytes, padded to 32
    expect(Array.from(new Float32Array((await readGgufTensor(file, info, 'a')).slice().buffer))).toEqual(Array.from(a));
    expect(Buffer.from(await readGgufTensor(file, info, 'b')).equals(Buffer.from(quantizeQ8_0(b)))).toBe(true);
    expect(fs.readdirSync(tmp).filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('refuses what llama.cpp could not read, naming it; a failed write leaves no file', async () => {
    const tensor = (name: string, shape: number[], type: 'F32' | 'Q8_0' = 'F32') => ({ name, shape, type, values: () => new Float32Array(shape.reduce((x, y) => x * y, 1)) });
    const file = path.join(tmp, 'bad.gguf');
    await expect(writeGguf(file, new GgufMetadata(), [tensor('x', [2, 30], 'Q8_0')])).rejects.toThrow(/Q8_0 row must be a multiple of 32 values, got 30/);
    await expect(writeGguf(file, new GgufMetadata(), [tensor('x', [2]), tensor('x', [3])])).rejects.toThrow(/tensor x is given twice/);
    await expect(writeGguf(file, new GgufMetadata(), [tensor('n'.repeat(64), [2])])).rejects.toThrow(/longer than ggml's 63 bytes/);
    await expect(writeGguf(file, new GgufMetadata(), [tensor('x', [1, 1, 1, 1, 1])])).rejects.toThrow(/1 to 4 positive dimensions/);
    await expect(writeGguf(file, new GgufMetadata(), [{ ...tensor('x', [4]), values: () => new Float32Array(3) }])).rejects.toThrow(/\[4\] holds 4 values, got 3/);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(tmp).filter((f) => f.includes('.partial'))).toEqual([]);
    expect(() => new GgufMetadata().u32('k', 1).u32('k', 2)).toThrow(/k is set twice/);
    expect(() => new GgufMetadata().u32('k', -1)).toThrow(/k must be a uint32, got -1/);
    expect(() => new GgufMetadata().array('k', 'i8', [200]).encode()).toThrow(/k holds 200, not a i8/);
    await expect(writeGguf(file, new GgufMetadata().u32('general.alignment', 64), [])).rejects.toThrow(/general.alignment must be the uint32 32/);
  });

  it("stops between tensors when aborted, and removes the partial file", async () => {
    const controller = new AbortController();
    const file = path.join(tmp, 'aborted.gguf');
    const tensors = ['a', 'b', 'c'].map((name) => ({ name, shape: [4], type: 'F32' as const, values: () => (name === 'b' && controller.abort(new Error('cancelled')), new Float32Array(4)) }));
    await expect(writeGguf(file, new GgufMetadata(), tensors, { signal: controller.signal })).rejects.toThrow(/cancelled/);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(tmp).filter((f) => f.includes('.partial'))).toEqual([]);
  });
});

describe("the converter's choices", () => {
  it('keeps vectors, norms, biases and the position table in f32; falls back to f16 where a Q8_0 row is not whole blocks', () => {
    expect(tensorType('q8_0', 'blk.0.attn_q.weight', [64, 64])).toBe('Q8_0');
    expect(tensorType('f16', 'token_embd.weight', [300, 64])).toBe('F16');
    expect(tensorType('q8_0', 'blk.0.attn_norm.weight', [64])).toBe('F32');
    expect(tensorType('q8_0', 'blk.0.attn_q.bias', [64])).toBe('F32');
    expect(tensorType('q8_0', 'position_embd.weight', [64, 64])).toBe('F32');
    expect(tensorType('q8_0', 'blk.0.attn_q.weight.lora_b', [64, 8])).toBe('F16');
    expect(tensorType('q8_0', 'blk.0.attn_q.weight.lora_a', [8, 64])).toBe('Q8_0');
    expect(tensorType('f32', 'blk.0.attn_q.weight', [64, 64])).toBe('F32');
  });

  it("names llama.cpp's pre-tokenizer from tokenizer.json's, and refuses one it cannot name", () => {
    const byteLevel = (useRegex: boolean) => ({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: useRegex });
    const split = (regex: string) => ({ type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: regex }, behavior: 'Isolated', invert: false }, byteLevel(false)] });
    expect(preTokenizerName(byteLevel(true))).toBe('gpt-2');
    expect(preTokenizerName({ type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true }, byteLevel(true)] })).toBe('smollm');
    expect(preTokenizerName(split("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"))).toBe('llama-bpe');
    expect(preTokenizerName(split("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"))).toBe('qwen2');
    expect(() => preTokenizerName(split('\\w+'))).toThrow(/pre_tokenizer .* is not one this export maps to llama.cpp/);
    expect(() => preTokenizerName({ type: 'Metaspace' })).toThrow(/Metaspace/);
  });
});

describe('exportGguf', () => {
  const model = ggufTinyModel('llama', 2);
  afterAll(() => model.cleanup());

  it('writes the metadata and tensor types llama.cpp reads (hyperparameters, tokenizer, f32 norms, Q8_0 weights), and a LoRA file with the alpha and f16 B', async () => {
    const file = path.join(tmp, 'llama-q8.gguf');
    const progress: [number, number][] = [];
    const result = await exportGguf({ modelDir: model.dir, type: 'q8_0', out: file, name: 'tiny', onProgress: (done, total) => progress.push([done, total]) });
    const info = await readGgufInfo(file);
    const value = (k: string) => info.metadata.get(k)?.value;
    expect(result).toMatchObject({ kind: 'model', bytes: info.fileSize });
    expect(progress.at(-1)).toEqual([info.fileSize, info.fileSize]);
    expect([value('general.architecture'), value('general.name'), value('general.file_type'), value('general.quantization_version')]).toEqual(['llama', 'tiny', 7, 2]);
    expect([value('llama.block_count'), value('llama.embedding_length'), value('llama.attention.head_count'), value('llama.attention.head_count_kv'), value('llama.rope.dimension_count')]).toEqual([2, 64, 4, 2, 16]);
    expect([value('tokenizer.ggml.model'), value('tokenizer.ggml.pre')]).toEqual(['gpt2', 'gpt-2']);
    const tokens = value('tokenizer.ggml.tokens') as string[];
    const types = value('tokenizer.ggml.token_type') as number[];
    const imEnd = tokens.indexOf('<|im_end|>');
    expect([value('tokenizer.ggml.eos_token_id'), types[imEnd], types[0], value('tokenizer.chat_template') !== undefined]).toEqual([imEnd, 3, 1, true]);
    const type = (name: string) => info.tensors.find((t) => t.name === name)?.type;
    expect([type('token_embd.weight'), type('blk.0.attn_q.weight'), type('blk.1.ffn_down.weight'), type('blk.0.attn_norm.weight'), type('output_norm.weight'), type('output.weight')]).toEqual(['Q8_0', 'Q8_0', 'Q8_0', 'F32', 'F32', 'Q8_0']);
    expect(info.tensors.find((t) => t.name === 'blk.0.attn_k.weight')?.ne).toEqual([64, 32]);

    const lora = path.join(tmp, 'llama-lora.gguf');
    const adapter = randomAdapter(model.dir);
    await exportGguf({ modelDir: model.dir, type: 'q8_0', out: lora, adapter });
    const l = await readGgufInfo(lora);
    expect([l.metadata.get('general.type')?.value, l.metadata.get('adapter.type')?.value, l.metadata.get('adapter.lora.alpha')?.value]).toEqual(['adapter', 'lora', 16]);
    expect(l.tensors).toHaveLength(2 * 7 * 2);
    expect(l.tensors.find((t) => t.name === 'blk.0.attn_k.weight.lora_a')).toMatchObject({ ne: [64, 8], type: 'Q8_0' });
    expect(l.tensors.find((t) => t.name === 'blk.0.attn_k.weight.lora_b')).toMatchObject({ ne: [8, 32], type: 'F16' });
  });

  it('refuses bad requests, naming the problem', async () => {
    const out = path.join(tmp, 'x.gguf');
    await expect(exportGguf({ modelDir: model.dir, type: 'q4' as 'f32', out })).rejects.toThrow(/type must be one of f32, f16, q8_0, got "q4"/);
    await expect(exportGguf({ modelDir: model.dir, type: 'f32', out, merge: true })).rejects.toThrow(/merge needs an adapter/);
    await expect(exportGguf({ modelDir: path.join(tmp, 'nowhere'), type: 'f32', out })).rejects.toThrow(/has no config.json/);
    const gpt2 = writeTinyModel(path.join(tmp, 'gpt2'), { architecture: 'gpt2' });
    await expect(exportGguf({ modelDir: gpt2.dir, type: 'f32', out, adapter: randomAdapter(model.dir) })).rejects.toThrow(/adapter is for a llama model, this model is gpt2/);
    const relu = path.join(tmp, 'relu');
    writeTinyModel(relu, { architecture: 'gpt2' });
    fs.writeFileSync(path.join(relu, 'config.json'), JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(relu, 'config.json'), 'utf8')), activation_function: 'relu' }));
    await expect(exportGguf({ modelDir: relu, type: 'f32', out })).rejects.toThrow(/activation relu has no llama.cpp equivalent/);
    const unigram = path.join(tmp, 'unigram');
    writeTinyModel(unigram, { architecture: 'llama' });
    fs.writeFileSync(path.join(unigram, 'tokenizer.json'), JSON.stringify({ model: { type: 'Unigram', vocab: [] } }));
    await expect(exportGguf({ modelDir: unigram, type: 'f32', out })).rejects.toThrow(/is not a BPE tokenizer \(model.type "Unigram"\)/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
