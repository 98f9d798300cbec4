/**
 * A gradient store loaded into memory ("warm"): every section decoded to float32 once, with each
 * example's projected squared norm per block, so a query is arithmetic over arrays only. Memory is
 * n × Σk × 4 bytes per checkpoint (twice the f16 file). Sections are read one at a time, so the
 * file is never held whole beside the decoded arrays.
 */
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { f16ToF32 } from '../io/half';
import type { LoraAdapter } from '../lora-io/adapter';
import { readPeftAdapter } from '../lora-io/peft-files';
import type { ModelConfig } from '../models/config';
import type { BlockSpec } from './projection';
import { GRADIENTS_FILE, INDEX_FILE, parseStoreIndex, storeLayout, type StoreIndex } from './store-format';

/** One checkpoint's gradients of every example, block by block. */
export interface CheckpointGradients {
  /** Per block: [n, k] row-major, the projected gradients. */
  values: Float32Array[];
  /** Per block: [n], ‖projected gradient‖². */
  squaredNorms: Float64Array[];
  /** Per block: [n], ‖gradient‖² before projection. */
  exactSquaredNorms: Float32Array[];
}

export class GradientStore {
  private constructor(
    readonly dir: string,
    readonly index: StoreIndex,
    /** Per checkpoint, oldest first. */
    readonly checkpoints: readonly CheckpointGradients[],
  ) {}

  get size(): number {
    return this.index.examples.length;
  }

  get blocks(): readonly BlockSpec[] {
    return this.index.blocks;
  }

  /** The checkpoint DataInf uses: the trained adapter. */
  get final(): CheckpointGradients {
    return this.checkpoints[this.checkpoints.length - 1]!;
  }

  static async open(dir: string): Promise<GradientStore> {
    const indexFile = path.join(dir, INDEX_FILE);
    let text: string;
    try {
      text = await readFile(indexFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${dir} holds no gradient store (no ${INDEX_FILE}); build one first`, { cause: e });
      throw e;
    }
    const index = parseStoreIndex(text, indexFile);
    const n = index.examples.length;
    const layout = storeLayout(n, index.blocks, index.checkpoints.length, index.dtype);
    const binFile = path.join(dir, GRADIENTS_FILE);
    const file = await open(binFile, 'r');
    try {
      const { size } = await file.stat();
      if (size !== layout.bytes) throw new Error(`${binFile} has ${size} bytes, the index says ${layout.bytes}: the store is damaged; build it again`);
      const checkpoints: CheckpointGradients[] = [];
      for (let c = 0; c < index.checkpoints.length; c++) {
        const values: Float32Array[] = [];
        const squaredNorms: Float64Array[] = [];
        const exactSquaredNorms: Float32Array[] = [];
        for (let l = 0; l < index.blocks.length; l++) {
          const k = index.blocks[l]!.k;
          const section = layout.sections[c]![l]!;
          const bytes = await readAt(file, section.values, section.end - section.values);
          const count = n * k;
          const stored = index.dtype === 'f16' ? f16ToF32(new Uint16Array(bytes.buffer, bytes.byteOffset, count)) : new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + count * 4));
          const scales = new Float32Array(bytes.buffer, bytes.byteOffset + (section.scales - section.values), n);
          const exact = new Float32Array(bytes.buffer.slice(bytes.byteOffset + (section.exact - section.values), bytes.byteOffset + (section.exact - section.values) + n * 4));
          const sq = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            const s = scales[i]!;
            let acc = 0;
            for (let j = i * k, end = j + k; j < end; j++) {
              stored[j] = stored[j]! * s;
              // The norm of the float32 values as kept, so DataInf's λ + ‖g‖² matches its inner products.
              acc += stored[j]! * stored[j]!;
            }
            sq[i] = acc;
          }
          values.push(stored);
          squaredNorms.push(sq);
          exactSquaredNorms.push(exact);
        }
        checkpoints.push({ values, squaredNorms, exactSquaredNorms });
      }
      return new GradientStore(dir, index, checkpoints);
    } finally {
      await file.close();
    }
  }

  /** The adapter of checkpoint `c` as the store keeps it. */
  async adapter(c: number, config: ModelConfig): Promise<LoraAdapter> {
    const info = this.index.checkpoints[c];
    if (!info) throw new Error(`gradient store: no checkpoint ${c} (it has ${this.index.checkpoints.length})`);
    return readPeftAdapter(path.join(this.dir, info.adapter), config);
  }

  /** Bytes of decoded gradients held in memory. */
  get memoryBytes(): number {
    return this.checkpoints.reduce((s, c) => s + c.values.reduce((t, v) => t + v.byteLength, 0), 0);
  }
}

async function readAt(file: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Uint8Array> {
  // 8-aligned offset in a fresh buffer, so Float32Array views of the section's parts line up.
  const bytes = new Uint8Array(length);
  let off = 0;
  while (off < length) {
    const { bytesRead } = await file.read(bytes, off, length - off, position + off);
    if (bytesRead === 0) throw new Error(`gradient store: the file ends at ${position + off}, before ${position + length}`);
    off += bytesRead;
  }
  return bytes;
}
