/**
 * The Llama family (Llama, SmolLM2, Qwen2): token ids [B, T] → logits [B, T, V], for
 * buildCausalLmGraph (causal-lm.ts).
 *
 * The arithmetic follows transformers' LlamaForCausalLM / Qwen2ForCausalLM: RMSNorm, RoPE in the
 * rotate_half layout, grouped-query attention, SwiGLU MLP (down(silu(gate(x)) · up(x))), Qwen2's
 * q/k/v biases, lm_head tied to the embedding or not. Base weights are frozen initializers read
 * from the checkpoint as f32 (fp16/bf16 widened by engine/io); LoRA terms come from LoraLayers.
 */
import { causalMask, rmsNorm, rotary, silu, type Value } from '../graph/index';
import type { ModelConfig, RopeScaling } from './config';
import { lastPosition, MASKED, type FamilyContext, type FamilyInputs } from './family';
import { decodeMask, type DecodeMask } from './decode-mask';
import type { KvCache } from './kv-cache';

const ATTENTION = new Set(['q_proj', 'k_proj', 'v_proj', 'o_proj']);
const modulePath = (layer: number, m: string) => `model.layers.${layer}.${ATTENTION.has(m) ? 'self_attn' : 'mlp'}.${m}`;

/**
 * RoPE inverse frequencies as transformers computes them (float32), with linear or llama3 scaling.
 * A private copy of what nn.ts's ropeTables does for the unscaled case, because scaling changes
 * the frequencies themselves.
 */
export function ropeInvFreq(dim: number, theta: number, scaling: RopeScaling | null): Float32Array {
  const inv = Float32Array.from({ length: dim / 2 }, (_, i) => 1 / Math.pow(theta, (2 * i) / dim));
  if (!scaling) return inv;
  if (scaling.type === 'linear') return inv.map((f) => f / scaling.factor);
  // transformers' _compute_llama3_parameters.
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositions: old } = scaling;
  const lowWavelen = old / lowFreqFactor;
  const highWavelen = old / highFreqFactor;
  return inv.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highWavelen) return f;
    if (wavelen > lowWavelen) return f / factor;
    const smooth = (old / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    return (1 - smooth) * (f / factor) + smooth * f;
  });
}

/** cos and sin [positions, headDim] in the rotate_half layout (each half repeated). */
function ropeTables(config: ModelConfig): { cos: Float32Array; sin: Float32Array } {
  const dim = config.headDim;
  const inv = ropeInvFreq(dim, config.ropeTheta ?? 10_000, config.ropeScaling);
  const n = config.maxPositions;
  const cos = new Float32Array(n * dim);
  const sin = new Float32Array(n * dim);
  for (let p = 0; p < n; p++) {
    for (let i = 0; i < dim / 2; i++) {
      const angle = Math.fround(p * inv[i]!);
      cos[p * dim + i] = cos[p * dim + i + dim / 2] = Math.cos(angle);
      sin[p * dim + i] = sin[p * dim + i + dim / 2] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

class Llama {
  constructor(private readonly c: FamilyContext) {}

  /** A checkpoint tensor as a frozen f32 initializer of its own name and shape. */
  private async weight(name: string): Promise<Value> {
    const info = this.c.checkpoint.info(name);
    return this.c.g.initializer(name, await this.c.checkpoint.read(name, 'f32'), info.shape);
  }

  /**
   * nn.Linear with HF's [out, in] weight: x Wᵀ (+ b) (+ the LoRA term when the module is adapted).
   * The transpose of a frozen weight is constant-folded by ONNX Runtime.
   */
  private async linear(x: Value, layer: number, m: string, bias: boolean): Promise<Value> {
    const g = this.c.g;
    const p = modulePath(layer, m);
    let y = g.matmul(x, g.transpose(await this.weight(`${p}.weight`)));
    if (bias) y = g.add(y, await this.weight(`${p}.bias`));
    return this.c.lora.apply(x, p, y);
  }

  private async attention(x: Value, layer: number, rope: Rope, padding: Value | undefined, decode: Decode | undefined): Promise<Value> {
    const { g, config: c } = this.c;
    const kv = c.numKvHeads;
    const rep = c.numHeads / kv;
    const d = c.headDim;
    // Grouped-query attention without copying k and v: q is viewed as [B, KV, rep, T, D] and k, v as
    // [B, KV, 1, T, D], so the batched matmuls broadcast each k/v head over its rep query heads
    // (query head h uses kv head ⌊h / rep⌋, as transformers' repeat_kv does).
    const q = g.transpose(g.reshape(await this.linear(x, layer, 'q_proj', c.qkvBias), [0, 0, kv, rep, d]), [0, 2, 3, 1, 4]);
    let qr: Value, kr: Value, v: Value;
    if (decode) {
      // The cache holds [B, KV, P, D] keys after RoPE; the new ones are rotated at their own positions.
      const heads = async (m: string) => g.transpose(g.reshape(await this.linear(x, layer, m, c.qkvBias), [0, 0, kv, d]), [0, 2, 1, 3]);
      const k = await heads('k_proj');
      const full = decode.cache.append(layer, rotary(g, k, rope.kCos, rope.kSin), await heads('v_proj'));
      qr = rotary(g, q, rope.qCos, rope.qSin);
      kr = g.unsqueeze(full.key, [2]);
      v = g.unsqueeze(full.value, [2]);
    } else {
      const heads = async (m: string) => g.unsqueeze(g.transpose(g.reshape(await this.linear(x, layer, m, c.qkvBias), [0, 0, kv, d]), [0, 2, 1, 3]), [2]);
      const k = await heads('k_proj');
      v = await heads('v_proj');
      qr = rotary(g, q, rope.qCos, rope.qSin);
      kr = rotary(g, k, rope.kCos, rope.kSin);
    }
    let scores = g.mul(g.matmul(qr, g.transpose(kr, [0, 1, 2, 4, 3])), 1 / Math.sqrt(d));
    if (decode) {
      scores = g.where(decode.mask.blocked, decode.mask.fill, scores);
    } else {
      scores = causalMask(g, scores);
      if (padding) scores = g.where(padding, MASKED, scores);
    }
    const attended = g.matmul(g.softmax(scores, -1), v);
    const merged = g.reshape(g.transpose(attended, [0, 3, 1, 2, 4]), [0, 0, c.numHeads * d]);
    return this.linear(merged, layer, 'o_proj', c.attentionOutputBias);
  }

  private async mlp(x: Value, layer: number): Promise<Value> {
    const g = this.c.g;
    const bias = this.c.config.mlpBias;
    const gate = await this.linear(x, layer, 'gate_proj', bias);
    const up = await this.linear(x, layer, 'up_proj', bias);
    return this.linear(g.mul(silu(g, gate), up), layer, 'down_proj', bias);
  }

  async logits({ ids, attentionMask, positionIds, cache, lastOnly }: FamilyInputs): Promise<Value> {
    const { g, config: c } = this.c;
    const eps = c.normEps;
    const embed = await this.weight('model.embed_tokens.weight');
    const rope = this.rope(ids, positionIds);
    // With a cache, one mask (causal and padding) for every layer; without, each layer masks the future
    // itself and padding comes as [B, T] → [B, 1, 1, 1, T], broadcast over kv heads, reps and queries.
    const decode = cache && attentionMask ? { cache, mask: decodeMask(g, ids, attentionMask, 5) } : undefined;
    const padding = attentionMask && !decode ? g.unsqueeze(g.equal(attentionMask, 0), [1, 2, 3]) : undefined;
    let h = g.gather(embed, ids);
    for (let i = 0; i < c.numLayers; i++) {
      const p = `model.layers.${i}`;
      h = g.add(h, await this.attention(rmsNorm(g, h, await this.weight(`${p}.input_layernorm.weight`), eps), i, rope, padding, decode));
      h = g.add(h, await this.mlp(rmsNorm(g, h, await this.weight(`${p}.post_attention_layernorm.weight`), eps), i));
    }
    // The final norm is per position, so taking the last position first gives the same row.
    if (lastOnly) h = lastPosition(g, h);
    h = rmsNorm(g, h, await this.weight('model.norm.weight'), eps);
    const head = c.tieWordEmbeddings ? embed : await this.weight('lm_head.weight');
    return g.matmul(h, g.transpose(head));
  }

  /**
   * cos and sin rows for q [B, KV, rep, T, D] and k. Without position ids, positions 0..T-1 pick
   * rows [T, D] that broadcast over both; with them (decode), rows [B, T, D] per sequence,
   * unsqueezed for q and for k before it is grouped ([B, KV, T, D]).
   */
  private rope(ids: Value, positionIds: Value | undefined): Rope {
    const { g, config: c } = this.c;
    const tables = ropeTables(c);
    const positions = positionIds ?? g.arange(ids, 1);
    const cos = g.gather(g.constant(tables.cos, [c.maxPositions, c.headDim]), positions);
    const sin = g.gather(g.constant(tables.sin, [c.maxPositions, c.headDim]), positions);
    if (!positionIds) return { qCos: cos, qSin: sin, kCos: cos, kSin: sin };
    return { qCos: g.unsqueeze(cos, [1, 2]), qSin: g.unsqueeze(sin, [1, 2]), kCos: g.unsqueeze(cos, [1]), kSin: g.unsqueeze(sin, [1]) };
  }
}

/** What a decode graph's attention takes: the cache to append to and the mask built once. */
interface Decode {
  cache: KvCache;
  mask: DecodeMask;
}

/** cos and sin as q and k broadcast them. */
interface Rope {
  qCos: Value;
  qSin: Value;
  kCos: Value;
  kSin: Value;
}

export function llamaLogits(ctx: FamilyContext, inputs: FamilyInputs): Promise<Value> {
  if (ctx.config.activation !== 'silu') throw new Error(`llama graph: hidden_act ${ctx.config.activation} is not supported (silu)`);
  return new Llama(ctx).logits(inputs);
}
