/**
 * A checkpoint's tensors as float32 graph initializers (the frozen base weights).
 *
 * Layouts: the graph's `linear` computes x·W with W stored [in, out]. GPT-2's Conv1D already
 * stores its weight that way ([in, out], the transpose of nn.Linear), so it is used as read;
 * nn.Linear weights ([out, in], the Llama family) are transposed once at load ('out-in').
 *
 * Names: transformers saves GPT2LMHeadModel as "transformer.h.0…", but the original OpenAI-derived
 * checkpoints on the Hub (gpt2, distilgpt2) save the bare GPT2Model as "h.0…"; `aliasPrefix` lets a
 * model ask for the canonical name and get either.
 */
import { openCheckpoint, type Checkpoint } from '../io/index';
import type { GraphBuilder, Value } from '../graph/index';

export interface Weight {
  data: Float32Array;
  shape: number[];
}

/** How a matrix is stored in the file: 'in-out' (Conv1D) is used as is, 'out-in' (nn.Linear) is transposed. */
export type MatrixLayout = 'in-out' | 'out-in';

/** [rows, cols] → [cols, rows], in a new array. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

export class ModelWeights {
  constructor(
    readonly checkpoint: Checkpoint,
    private readonly aliasPrefix = '',
  ) {}

  /** Opens a model folder's checkpoint (single file or sharded; only headers are read here). */
  static async open(dir: string, options: { aliasPrefix?: string } = {}): Promise<ModelWeights> {
    return new ModelWeights(await openCheckpoint(dir), options.aliasPrefix ?? '');
  }

  /** The name the checkpoint uses for a canonical name, or undefined when it has neither. */
  resolve(name: string): string | undefined {
    if (this.checkpoint.has(name)) return name;
    const p = this.aliasPrefix;
    if (p && name.startsWith(p) && this.checkpoint.has(name.slice(p.length))) return name.slice(p.length);
    return undefined;
  }

  has(name: string): boolean {
    return this.resolve(name) !== undefined;
  }

  /** A tensor as float32 (fp16 and bf16 widened by the reader), checked against the expected shape. */
  async read(name: string, expected?: readonly number[]): Promise<Weight> {
    const stored = this.resolve(name);
    if (stored === undefined) throw new Error(`checkpoint: no tensor ${JSON.stringify(name)}${this.aliasPrefix ? ` (nor without "${this.aliasPrefix}")` : ''}`);
    const shape = [...this.checkpoint.info(stored).shape];
    if (expected && (expected.length !== shape.length || expected.some((d, i) => d !== shape[i]))) {
      throw new Error(`checkpoint: ${stored} has shape [${shape.join(', ')}], the config implies [${expected.join(', ')}]`);
    }
    return { data: await this.checkpoint.read(stored, 'f32'), shape };
  }

  /** A vector or other tensor as a frozen initializer, named by its canonical name. */
  async tensor(g: GraphBuilder, name: string, expected: readonly number[]): Promise<Value> {
    const w = await this.read(name, expected);
    return g.initializer(name, w.data, w.shape);
  }

  /**
   * A weight matrix as a frozen [in, out] initializer for `linear`. `inOut` is [in, out] as the
   * graph wants it; the file holds that ('in-out') or its transpose ('out-in').
   */
  async matrix(g: GraphBuilder, name: string, inOut: readonly [number, number], layout: MatrixLayout): Promise<Value> {
    const [n, m] = inOut;
    if (layout === 'in-out') return this.tensor(g, name, [n, m]);
    const w = await this.read(name, [m, n]);
    return g.initializer(name, transpose2d(w.data, m, n), [n, m]);
  }

  close(): Promise<void> {
    return this.checkpoint.close();
  }
}
