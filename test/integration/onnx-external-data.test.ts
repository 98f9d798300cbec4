import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { saveModel, type WeightSource } from '../../engine/onnx/external-data';
import { encodeModel, type Graph } from '../../engine/onnx/model';
import { tempDir } from '../fixtures/temp-dir';

/**
 * ONNX external data against a real onnxruntime-node session. What ORT 1.30's Node binding does
 * (each pinned by a test below):
 *  - InferenceSession.create(modelPath) finds the data file beside the model: the way to open one.
 *  - create(bytes) resolves the data file against the process's working directory, so it fails
 *    (or, worse, finds another file) unless the cwd happens to be the model's folder.
 *  - create(bytes, { externalData: [{ path, data }] }) works only with `data` as bytes in memory
 *    (a path string is refused by the Node binding), which holds the weights in JS memory: fine
 *    for tests, wrong for a large model.
 */

const D = 64;
function values(seed: number, n: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}
const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const w1 = values(1, D * D);
const w2 = values(2, D * (D + 3)); // an odd size, so the next offset needs padding to stay aligned
const b = values(3, D);

/** y = (x @ w1 + b) @ w2 + c: w1 and w2 are large enough to go external, b stays inline, c comes from a lazy source. */
const graph: Graph = {
  name: 'external_check',
  nodes: [
    { op: 'MatMul', inputs: ['x', 'w1'], outputs: ['h'] },
    { op: 'Add', inputs: ['h', 'b'], outputs: ['hb'] },
    { op: 'MatMul', inputs: ['hb', 'w2'], outputs: ['z'] },
    { op: 'Add', inputs: ['z', 'c'], outputs: ['y'] },
  ],
  inputs: [{ name: 'x', type: 'float', shape: ['batch', D] }],
  outputs: [{ name: 'y', type: 'float', shape: ['batch', D + 3] }],
  initializers: [
    { name: 'w1', type: 'float', dims: [D, D], raw: bytes(w1) },
    { name: 'b', type: 'float', dims: [D], raw: bytes(b) },
    { name: 'w2', type: 'float', dims: [D, D + 3], raw: bytes(w2) },
  ],
};
const c = values(5, 512 * (D + 3));
const lazyC: WeightSource = { name: 'c', type: 'float', dims: [512, D + 3], load: () => bytes(c) };
const inlineGraph: Graph = { ...graph, initializers: [...graph.initializers!, { name: 'c', type: 'float', dims: [512, D + 3], raw: bytes(c) }] };
const x = new ort.Tensor('float32', values(4, 512 * D), [512, D]);

async function run(session: ort.InferenceSession): Promise<Float32Array> {
  const { y } = await session.run({ x });
  return y!.data as Float32Array;
}

async function saved(): Promise<{ dir: string; model: string; data: string }> {
  const dir = tempDir();
  const model = path.join(dir, 'model.onnx');
  const result = await saveModel(graph, model, [lazyC]);
  expect(result).toMatchObject({ modelPath: model, dataPath: `${model}.data`, inlineCount: 1, externalCount: 3 });
  return { dir, model, data: `${model}.data` };
}

describe('ONNX external data', () => {
  it('a model whose weights are external runs from its path and gives what the inline model gives', async () => {
    const { model, data } = await saved();
    const want = await run(await ort.InferenceSession.create(encodeModel(inlineGraph)));
    const got = await run(await ort.InferenceSession.create(model));
    expect(got).toEqual(want);
    // The model file holds no weights, only references; the data file holds them.
    expect(fs.statSync(model).size).toBeLessThan(4096);
    expect(fs.statSync(data).size).toBeGreaterThan(w1.byteLength + w2.byteLength + c.byteLength - 1);
  });

  it('puts each tensor at a 4 KB-aligned offset, bytes unchanged, padding left as zeros', async () => {
    const { data } = await saved();
    const file = new Uint8Array(fs.readFileSync(data));
    const w2At = w1.byteLength; // 16,384: already aligned
    const cAt = Math.ceil((w2At + w2.byteLength) / 4096) * 4096;
    expect(cAt % 4096).toBe(0);
    expect(cAt).toBeGreaterThan(w2At + w2.byteLength);
    expect(file.subarray(0, w1.byteLength)).toEqual(bytes(w1));
    expect(file.subarray(w2At, w2At + w2.byteLength)).toEqual(bytes(w2));
    expect(file.subarray(w2At + w2.byteLength, cAt).every((v) => v === 0)).toBe(true);
    expect(file.subarray(cAt)).toEqual(bytes(c));
  });

  it('from bytes, ORT looks for the data file in the working directory, not beside the model', async () => {
    const { dir, model } = await saved();
    const modelBytes = new Uint8Array(fs.readFileSync(model));
    await expect(ort.InferenceSession.create(modelBytes)).rejects.toThrow(/External data path .*model\.onnx\.data/);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await run(await ort.InferenceSession.create(modelBytes))).toEqual(await run(await ort.InferenceSession.create(model)));
    } finally {
      process.chdir(cwd);
    }
  });

  it("from bytes with the externalData option, ORT's Node binding takes the data as bytes, not as a path", async () => {
    const { model, data } = await saved();
    const modelBytes = new Uint8Array(fs.readFileSync(model));
    await expect(ort.InferenceSession.create(modelBytes, { externalData: [{ path: 'model.onnx.data', data }] })).rejects.toThrow(
      /'data' property of type buffer or typed array/,
    );
    const session = await ort.InferenceSession.create(modelBytes, {
      externalData: [{ path: 'model.onnx.data', data: new Uint8Array(fs.readFileSync(data)) }],
    });
    expect(await run(session)).toEqual(await run(await ort.InferenceSession.create(model)));
  });

  it('keeps everything inline, with no data file, when no initializer reaches the threshold', async () => {
    const dir = tempDir();
    const model = path.join(dir, 'small.onnx');
    const result = await saveModel(graph, model, [lazyC], { threshold: 10 * 2 ** 20 });
    expect(result).toMatchObject({ inlineCount: 4, externalCount: 0, dataBytes: 0 });
    expect(result.dataPath).toBeUndefined();
    expect(fs.readdirSync(dir)).toEqual(['small.onnx']);
    expect(await run(await ort.InferenceSession.create(model))).toEqual(await run(await ort.InferenceSession.create(encodeModel(inlineGraph))));
  });

  it('loads lazy weights one at a time, in order, and checks each against its shape', async () => {
    const dir = tempDir();
    const events: string[] = [];
    let loading = 0;
    const source = (name: string, n: number): WeightSource => ({
      name,
      type: 'float',
      dims: [n],
      load: async () => {
        loading++;
        events.push(`load ${name} (${loading} at once)`);
        await new Promise((r) => setTimeout(r, 5));
        loading--;
        return new Uint8Array(n * 4);
      },
    });
    await saveModel({ ...graph, initializers: [] }, path.join(dir, 'm.onnx'), [source('p', 1000), source('q', 2000), source('r', 10)]);
    expect(events).toEqual(['load p (1 at once)', 'load q (1 at once)', 'load r (1 at once)']);

    const bad: WeightSource = { name: 'wrong', type: 'float16', dims: [3, 5], load: () => new Uint8Array(31) };
    await expect(saveModel(graph, path.join(dir, 'bad.onnx'), [bad])).rejects.toThrow(/initializer wrong: float16 \[3, 5\] needs 30 bytes, its source gave 31/);
    expect(fs.readdirSync(dir)).toEqual(['m.onnx', 'm.onnx.data']); // nothing half-written left behind
  });

  it('refuses a data file outside the model folder', async () => {
    await expect(saveModel(graph, path.join(tempDir(), 'm.onnx'), [], { dataFile: '../m.data' })).rejects.toThrow(
      /dataFile "\.\.\/m\.data" must be a plain file name/,
    );
  });

  it("encodeModel refuses a model over protobuf's 2 GiB limit and points at saveModel", () => {
    // Zero-filled and never touched: the OS gives these pages only when written.
    const huge = new Uint8Array(2 ** 31);
    expect(() =>
      encodeModel({ ...graph, initializers: [...graph.initializers!, { name: 'huge', type: 'float', dims: [2 ** 29], raw: huge }] }),
    ).toThrow(/model external_check: the ModelProto would be \d+ bytes .* over protobuf's 2 GiB limit; save it with saveModel/);
  });
});
