/**
 * The gradient store on disk (`datanet-studio/gradient-store@1`), a folder:
 *
 * - `index.json`: what the store holds (StoreIndex below): the LoRA settings and projection, the
 *   blocks (one per LoRA tensor), the checkpoints with their TracIn weights, and the examples in
 *   store order, each with its id, the training records it came from and its target count.
 * - `gradients.bin`: for each checkpoint c, for each block l, a section of three arrays, each
 *   starting at a multiple of 8 bytes, little-endian:
 *     values  [n, k_l]  f16 (or f32): each example's projected gradient divided by its RMS
 *     scales  [n]       f32: that RMS (‖g‖ / √k_l), so the gradient is scale × values
 *     exact   [n]       f32: the squared norm of the gradient before projection
 *   Dividing by the RMS puts every row's values around ±1, where f16 keeps 11 significant bits
 *   whatever the gradient's magnitude (a well-learned example's gradient can be 1e-6 and would
 *   lose its digits to f16's subnormals as is). The f16 rounding then adds a relative error of
 *   at most 2⁻¹¹ per value to inner products.
 * - `checkpoints/<i>/`: each checkpoint's adapter (PEFT files), so a query's gradient is taken
 *   at the weights the stored gradients were, whatever happens to the run's folder afterwards.
 */
import type { LoraSettings } from '../lora-io/adapter';
import type { ModelType } from '../models/config';
import type { BlockSpec, ProjectionSettings } from './projection';

export const STORE_FORMAT = 'datanet-studio/gradient-store@1';
export const INDEX_FILE = 'index.json';
export const GRADIENTS_FILE = 'gradients.bin';
export const CHECKPOINTS_DIR = 'checkpoints';

export type StoreDtype = 'f16' | 'f32';

export interface StoreCheckpointInfo {
  /** A name for people ("step-100", "final"). */
  label: string;
  /** The optimizer step of the weights, when known. */
  step: number | null;
  /** TracIn's weight: the learning rate summed over the steps this checkpoint stands for. */
  weight: number;
  /** Its adapter's folder, relative to the store. */
  adapter: string;
}

export interface StoreExampleInfo {
  /** The example's id (unique in the store). */
  id: string;
  /** The training records it came from (engine/data's Example.sourceIds). */
  sourceIds: string[];
  /** Targets its loss is the mean over. */
  targets: number;
}

export interface StoreIndex {
  format: typeof STORE_FORMAT;
  modelType: ModelType;
  lora: Pick<LoraSettings, 'r' | 'alpha' | 'targetModules'>;
  /** Null: gradients kept whole. */
  projection: ProjectionSettings | null;
  dtype: StoreDtype;
  blocks: BlockSpec[];
  /** Oldest first; DataInf uses the last (the trained adapter). */
  checkpoints: StoreCheckpointInfo[];
  /** In store order (the order of rows in every section). */
  examples: StoreExampleInfo[];
  /** gradients.bin's size in bytes. */
  bytes: number;
  createdAt: number;
  /** The caller's (the adapter's hash, the lineage). */
  meta: Record<string, unknown>;
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

export interface SectionLayout {
  values: number;
  scales: number;
  exact: number;
  end: number;
}

/** Byte offsets of every (checkpoint, block) section, in file order, and the file's size. */
export function storeLayout(n: number, blocks: readonly Pick<BlockSpec, 'k'>[], checkpoints: number, dtype: StoreDtype): { sections: SectionLayout[][]; bytes: number } {
  const width = dtype === 'f16' ? 2 : 4;
  let at = 0;
  const sections: SectionLayout[][] = [];
  for (let c = 0; c < checkpoints; c++) {
    const row: SectionLayout[] = [];
    for (const b of blocks) {
      const values = at;
      const scales = align8(values + n * b.k * width);
      const exact = align8(scales + n * 4);
      at = align8(exact + n * 4);
      row.push({ values, scales, exact, end: at });
    }
    sections.push(row);
  }
  return { sections, bytes: at };
}

/** Parses index.json's text; the error names what is wrong. */
export function parseStoreIndex(text: string, where: string): StoreIndex {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const index = value as Partial<StoreIndex> | null;
  const format: unknown = index?.format;
  if (!index || format !== STORE_FORMAT) throw new Error(`${where}: not a gradient store index (format ${JSON.stringify(format ?? null)}, expected ${STORE_FORMAT})`);
  if (index.dtype !== 'f16' && index.dtype !== 'f32') throw new Error(`${where}: dtype ${JSON.stringify(index.dtype)} is neither f16 nor f32`);
  if (!Array.isArray(index.blocks) || index.blocks.length === 0) throw new Error(`${where}: no blocks`);
  if (!Array.isArray(index.checkpoints) || index.checkpoints.length === 0) throw new Error(`${where}: no checkpoints`);
  if (!Array.isArray(index.examples) || index.examples.length === 0) throw new Error(`${where}: no examples`);
  for (const b of index.blocks) if (!(Number.isInteger(b.k) && b.k > 0)) throw new Error(`${where}: block ${JSON.stringify(b.name)} has no size k`);
  const { bytes } = storeLayout(index.examples.length, index.blocks, index.checkpoints.length, index.dtype);
  if (index.bytes !== bytes) throw new Error(`${where}: says gradients.bin has ${index.bytes} bytes, its layout needs ${bytes}`);
  return index as StoreIndex;
}
