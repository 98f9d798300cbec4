import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../engine/onnx/model';

const f32 = (values: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(values), dims);

describe('ONNX model encoder', () => {
  it('writes a graph with symbolic dims, int/float/ints attributes and an initializer that ONNX Runtime runs', async () => {
    const w = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const bytes = encodeModel({
      name: 'encoder_check',
      initializers: [{ name: 'w', type: 'float', dims: [3, 2], raw: new Uint8Array(w.buffer) }],
      nodes: [
        { op: 'MatMul', inputs: ['x', 'w'], outputs: ['xw'] },
        { op: 'Transpose', inputs: ['xw'], outputs: ['t'], attributes: { perm: [1, 0] } },
        { op: 'LeakyRelu', inputs: ['t'], outputs: ['l'], attributes: { alpha: { float: 0.25 } } },
        { op: 'ReduceSum', inputs: ['l'], outputs: ['y'], attributes: { keepdims: 0 } },
      ],
      inputs: [{ name: 'x', type: 'float', shape: ['batch', 3] }],
      outputs: [{ name: 'y', type: 'float', shape: [] }],
    });
    const session = await ort.InferenceSession.create(bytes);
    const x = [1, 0, -1, -2, 0, 0];
    const { y } = await session.run({ x: f32(x, [2, 3]) });
    // xw = [[1-5, 2-6], [-2, -4]] = [[-4,-4],[-2,-4]]; leaky(0.25) then sum = -3.5
    expect(y!.data[0]).toBeCloseTo(-3.5, 6);
  });

  it('refuses a non-integer number given as an int attribute', () => {
    expect(() =>
      encodeModel({
        name: 'bad',
        nodes: [{ op: 'LeakyRelu', inputs: ['x'], outputs: ['y'], attributes: { alpha: 0.5 } }],
        inputs: [{ name: 'x', type: 'float', shape: [1] }],
        outputs: [{ name: 'y', type: 'float', shape: [1] }],
      }),
    ).toThrow(/alpha.*float/);
  });
});
