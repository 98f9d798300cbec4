import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { saveModel, type WeightSource } from '../../engine/onnx/external-data';
import { PROTOBUF_LIMIT, type Graph } from '../../engine/onnx/model';
import { tempDir } from '../fixtures/temp-dir';

/**
 * A model past protobuf's 2 GiB limit: nine 256 MiB fp32 weights (2.25 GiB) saved as external
 * data, loaded by ONNX Runtime from its path and run. The weights come from one reused scratch
 * buffer, so the peak resident size while saving shows whether the writer keeps or joins them.
 */
const ROWS = 16384;
const COLS = 4096;
const WEIGHTS = 9;
const MB = 2 ** 20;

const procStatus = (field: string) =>
  Number(/\d+/.exec(fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(field)) ?? '')?.[0]) * 1024;

function resetPeakRss(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return procStatus('VmHWM:') > 0;
  } catch {
    return false;
  }
}

describe('a model over 2 GiB', () => {
  it('saves its weights as external data without holding them, and ONNX Runtime loads and runs it', { timeout: 180_000 }, async () => {
    const scratch = new Float32Array(ROWS * COLS);
    scratch.fill(1); // touch every page now, so the save's peak below is only the save's
    const sources: WeightSource[] = Array.from({ length: WEIGHTS }, (_, i) => ({
      name: `w${i}`,
      type: 'float',
      dims: [ROWS, COLS],
      load: () => {
        // Row r of weight i holds i·ROWS + r (exact in fp32), so a gathered row names its source.
        for (let r = 0; r < ROWS; r++) scratch.fill(i * ROWS + r, r * COLS, (r + 1) * COLS);
        return new Uint8Array(scratch.buffer);
      },
    }));
    // y = Σ_i Gather(w_i, ids): every weight is read, and the sum is cheap.
    const nodes: Graph['nodes'] = sources.map((s) => ({ op: 'Gather', inputs: [s.name, 'ids'], outputs: [`g_${s.name}`], attributes: { axis: 0 } }));
    const graph: Graph = {
      name: 'big',
      nodes: [...nodes, { op: 'Sum', inputs: nodes.map((n) => n.outputs[0]!), outputs: ['y'] }],
      inputs: [{ name: 'ids', type: 'int64', shape: ['n'] }],
      outputs: [{ name: 'y', type: 'float', shape: ['n', COLS] }],
    };

    const dir = tempDir();
    const model = path.join(dir, 'big.onnx');
    const measured = resetPeakRss();
    const rssBefore = procStatus('VmRSS:');
    const saved = await saveModel(graph, model, sources);
    const saveGrowth = procStatus('VmHWM:') - rssBefore;

    expect(saved.dataBytes).toBe(WEIGHTS * ROWS * COLS * 4);
    expect(saved.dataBytes).toBeGreaterThan(PROTOBUF_LIMIT);
    expect(saved.modelBytes).toBeLessThan(4096);
    if (measured) {
      // Holding or joining even one weight would add 256 MiB.
      expect(saveGrowth / MB, `peak RSS grew ${(saveGrowth / MB).toFixed(1)} MiB while saving 2.25 GiB`).toBeLessThan(64);
    } else {
      console.warn('no /proc/self/clear_refs here: the save\'s peak memory is not checked');
    }

    const session = await ort.InferenceSession.create(model);
    const { y } = await session.run({ ids: new ort.Tensor('int64', BigInt64Array.of(0n, 12345n, BigInt(ROWS - 1)), [3]) });
    const out = y!.data as Float32Array;
    const sumI = (WEIGHTS * (WEIGHTS - 1)) / 2;
    for (const [row, r] of [0, 12345, ROWS - 1].entries()) {
      const want = sumI * ROWS + WEIGHTS * r;
      expect([out[row * COLS], out[row * COLS + COLS - 1]], `row ${r}`).toEqual([want, want]);
    }
    await session.release();
  });
});
