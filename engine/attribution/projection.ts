/**
 * The random projection that makes per-example LoRA gradients small enough to keep for every
 * training example. One block per LoRA tensor (DataInf works per layer, so blocks are never mixed):
 * lora_A's gradient G [r, in] is kept as G·Pᵀ [r, k'] and lora_B's G [out, r] as P·G [k', r], with
 * P [k', side] drawn N(0, 1/k') from a seeded PRNG. Only the long side is projected, so P is small
 * (k' × in numbers per tensor, ~100 KB for a 1B model) and lives in the gradient graph as an
 * initializer; a dense Johnson–Lindenstrauss matrix over the whole r·in vector would be r times
 * larger per tensor (gigabytes across a real model's adapted layers).
 *
 * Inner products are unbiased: E[⟨G Pᵀ, H Pᵀ⟩] = tr(G E[PᵀP] Hᵀ) = ⟨G, H⟩. The variance is
 * (‖HᵀG‖²_F + tr((HᵀG)²)) / k': the r rows share one P, so for gradients whose rows are unrelated it
 * is the variance of a dense JL map to r·k' dimensions, and up to r times more for rank-1 gradients.
 * README.md ("Gradient store: error") has the measured error.
 *
 * A side no longer than k' is not projected (kept exactly): projecting would add error and no saving.
 */
import { Prng } from '../train/prng';
import type { LoraTensorSpec } from '../models/lora';

export interface ProjectionOptions {
  /** Target dimensions per LoRA tensor (rounded down to a multiple of r, at least r). Default 256. */
  dims?: number;
  /** Seeds every block's matrix (with the block's name); an integer in [0, 2^32). Default 0. */
  seed?: number;
}

export interface ProjectionSettings {
  dims: number;
  seed: number;
}

/** One LoRA tensor's block in the store. */
export interface BlockSpec {
  /** The LoRA tensor's name (its PEFT key). */
  name: string;
  module: string;
  kind: 'A' | 'B';
  /** The tensor's shape: A [r, in], B [out, r]. */
  shape: [number, number];
  /** Values in the tensor (and its exact gradient). */
  dim: number;
  /** k' rows of P, or null when the long side is kept as is. */
  sideDims: number | null;
  /** Values a stored (projected) gradient has: r·k' or dim. */
  k: number;
}

export const DEFAULT_PROJECTION: ProjectionSettings = { dims: 256, seed: 0 };

export function projectionSettings(options: ProjectionOptions = {}): ProjectionSettings {
  const dims = options.dims ?? DEFAULT_PROJECTION.dims;
  const seed = options.seed ?? DEFAULT_PROJECTION.seed;
  if (!Number.isInteger(dims) || dims < 1) throw new Error(`projection dims must be a positive integer, got ${dims}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`projection seed must be an integer in [0, 2^32), got ${seed}`);
  return { dims, seed };
}

/** The blocks of a set of LoRA tensors under a projection (null: every block exact). */
export function blockSpecs(lora: readonly LoraTensorSpec[], projection: ProjectionSettings | null): BlockSpec[] {
  return lora.map((s) => {
    const [rows, cols] = s.shape;
    const r = s.kind === 'A' ? rows : cols;
    const side = s.kind === 'A' ? cols : rows;
    const dim = rows * cols;
    const wanted = projection ? Math.max(1, Math.floor(projection.dims / r)) : Infinity;
    const sideDims = side > wanted ? wanted : null;
    return { name: s.name, module: s.module, kind: s.kind, shape: [rows, cols], dim, sideDims, k: sideDims === null ? dim : r * sideDims };
  });
}

/** FNV-1a of the block's name: each block's matrix is its own stream, whatever the order of blocks. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * P [k', side] for a projected block, N(0, 1/k') by Box–Muller over the block's own Prng stream
 * (the store's seed and the block's name), row-major. Null for a block kept exactly.
 */
export function projectionMatrix(block: BlockSpec, seed: number): Float32Array | null {
  if (block.sideDims === null) return null;
  const side = block.kind === 'A' ? block.shape[1] : block.shape[0];
  const k = block.sideDims;
  const prng = new Prng((seed ^ nameHash(block.name)) >>> 0);
  const out = new Float32Array(k * side);
  const scale = 1 / Math.sqrt(k);
  for (let i = 0; i < out.length; i += 2) {
    // 1 − u keeps the logarithm's argument in (0, 1].
    const u = 1 - prng.nextFloat();
    const v = prng.nextFloat();
    const radius = Math.sqrt(-2 * Math.log(u)) * scale;
    out[i] = radius * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/**
 * A full gradient [rows, cols] of a block as the store keeps it (the graph does the same product;
 * this is the reference for tests and for gradients computed outside the graph).
 */
export function projectGradient(block: BlockSpec, p: Float32Array | null, g: Float32Array): Float32Array {
  if (g.length !== block.dim) throw new Error(`projectGradient: ${block.name} takes ${block.dim} values, got ${g.length}`);
  if (!p) return Float32Array.from(g);
  const [rows, cols] = block.shape;
  const k = block.sideDims!;
  const out = new Float32Array(block.k);
  if (block.kind === 'A') {
    // G [r, in] · Pᵀ [in, k] → [r, k].
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let t = 0; t < cols; t++) s += g[i * cols + t]! * p[j * cols + t]!;
        out[i * k + j] = s;
      }
    }
  } else {
    // P [k, out] · G [out, r] → [k, r].
    for (let j = 0; j < k; j++) {
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let t = 0; t < rows; t++) s += p[j * rows + t]! * g[t * cols + c]!;
        out[j * cols + c] = s;
      }
    }
  }
  return out;
}
