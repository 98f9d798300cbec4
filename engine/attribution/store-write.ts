/**
 * Writes a gradient store folder (store-format.ts) from gradients handed over in batches: each
 * batch of consecutive examples fills one range of every (checkpoint, block) section, one
 * positional write each. Values are divided by their row's RMS before f16 rounding (the scale is
 * kept in f32). The folder is written under a temporary name and renamed when complete: a store
 * folder is whole or absent.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { f32ToF16 } from '../io/half';
import type { LoraAdapter } from '../lora-io/adapter';
import { writePeftAdapter } from '../lora-io/peft-files';
import type { BlockSpec } from './projection';
import { CHECKPOINTS_DIR, GRADIENTS_FILE, INDEX_FILE, STORE_FORMAT, storeLayout, type SectionLayout, type StoreDtype, type StoreExampleInfo, type StoreIndex } from './store-format';

export interface StoreShape {
  n: number;
  blocks: readonly BlockSpec[];
  checkpoints: number;
  dtype: StoreDtype;
  /** Replace a store already at the destination. */
  replace?: boolean;
}

/** What the index says besides the layout. */
export interface StoreDescription {
  modelType: StoreIndex['modelType'];
  lora: StoreIndex['lora'];
  projection: StoreIndex['projection'];
  /** Oldest first, one per checkpoint written; each adapter is saved into the store. */
  checkpoints: { adapter: LoraAdapter | null; label: string; step: number | null; weight: number }[];
  /** In store order. */
  examples: StoreExampleInfo[];
  meta: Record<string, unknown>;
}

export class StoreWriter {
  private constructor(
    private readonly dest: string,
    private readonly tmp: string,
    private readonly file: FileHandle,
    private readonly shape: StoreShape,
    private readonly sections: SectionLayout[][],
    private readonly bytes: number,
  ) {}

  static async create(dest: string, shape: StoreShape): Promise<StoreWriter> {
    if (!shape.replace && existsSync(dest)) throw new Error(`gradient store: ${dest} already exists; pass replace to rebuild it`);
    if (!(Number.isInteger(shape.n) && shape.n > 0)) throw new Error(`gradient store: ${shape.n} examples; at least one is needed`);
    const tmp = `${path.resolve(dest)}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(path.join(tmp, CHECKPOINTS_DIR), { recursive: true });
    const layout = storeLayout(shape.n, shape.blocks, shape.checkpoints, shape.dtype);
    const file = await open(path.join(tmp, GRADIENTS_FILE), 'w');
    return new StoreWriter(dest, tmp, file, shape, layout.sections, layout.bytes);
  }

  /**
   * Examples start, start + 1, … of checkpoint c: per block their projected gradients [count, k]
   * (changed in place: divided by each row's RMS) and exact squared norms [count].
   */
  async write(c: number, start: number, projected: readonly Float32Array[], exactSquaredNorms: readonly Float32Array[]): Promise<void> {
    const { blocks, dtype, n } = this.shape;
    const width = dtype === 'f16' ? 2 : 4;
    for (let l = 0; l < blocks.length; l++) {
      const k = blocks[l]!.k;
      const values = projected[l]!;
      const count = values.length / k;
      if (!Number.isInteger(count) || start + count > n || exactSquaredNorms[l]!.length !== count) {
        throw new Error(`gradient store: block ${blocks[l]!.name} got ${values.length} values and ${exactSquaredNorms[l]!.length} norms at example ${start}; [count, ${k}] within ${n} examples expected`);
      }
      const section = this.sections[c]![l]!;
      const scales = new Float32Array(count);
      for (let b = 0; b < count; b++) {
        let sq = 0;
        for (let j = b * k; j < (b + 1) * k; j++) sq += values[j]! * values[j]!;
        const rms = Math.sqrt(sq / k);
        scales[b] = rms;
        // A zero gradient stays zero (scale 0, values 0).
        const inv = rms > 0 ? 1 / rms : 0;
        for (let j = b * k; j < (b + 1) * k; j++) values[j]! *= inv;
      }
      await writeAt(this.file, dtype === 'f16' ? f32ToF16(values) : values, section.values + start * k * width);
      await writeAt(this.file, scales, section.scales + start * 4);
      await writeAt(this.file, exactSquaredNorms[l]!, section.exact + start * 4);
    }
  }

  /** Writes the adapters and the index, and moves the folder into place. */
  async finish(description: StoreDescription): Promise<StoreIndex> {
    if (description.checkpoints.length !== this.shape.checkpoints) throw new Error(`gradient store: ${description.checkpoints.length} checkpoints described, ${this.shape.checkpoints} written`);
    if (description.examples.length !== this.shape.n) throw new Error(`gradient store: ${description.examples.length} examples described, ${this.shape.n} written`);
    // The file ends where the last section's padding does.
    await this.file.truncate(this.bytes);
    await this.file.sync();
    await this.file.close();
    const checkpoints = [];
    for (let c = 0; c < description.checkpoints.length; c++) {
      const cp = description.checkpoints[c]!;
      const rel = path.join(CHECKPOINTS_DIR, String(c));
      if (cp.adapter) await writePeftAdapter(path.join(this.tmp, rel), cp.adapter);
      checkpoints.push({ label: cp.label, step: cp.step, weight: cp.weight, adapter: rel });
    }
    const index: StoreIndex = {
      format: STORE_FORMAT,
      modelType: description.modelType,
      lora: description.lora,
      projection: description.projection,
      dtype: this.shape.dtype,
      blocks: [...this.shape.blocks],
      checkpoints,
      examples: description.examples,
      bytes: this.bytes,
      createdAt: Date.now(),
      meta: description.meta,
    };
    await writeFile(path.join(this.tmp, INDEX_FILE), `${JSON.stringify(index)}\n`);
    if (this.shape.replace) await rm(this.dest, { recursive: true, force: true });
    await rename(this.tmp, this.dest);
    return index;
  }

  /** Removes what was written. */
  async abort(): Promise<void> {
    await this.file.close().catch(() => undefined);
    await rm(this.tmp, { recursive: true, force: true });
  }
}

async function writeAt(file: FileHandle, data: Float32Array | Uint16Array, position: number): Promise<void> {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let off = 0;
  while (off < bytes.length) {
    const { bytesWritten } = await file.write(bytes, off, bytes.length - off, position + off);
    off += bytesWritten;
  }
}
