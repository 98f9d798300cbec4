/**
 * GPT-2 (GPT2LMHeadModel): token ids → logits, for buildCausalLmGraph (causal-lm.ts).
 *
 * Arithmetic follows transformers' GPT2 eager attention: scores scaled by 1/√head_dim, a causal
 * mask, an optional padding mask, softmax; gelu_new MLP; LayerNorm before each block and at the
 * end; the LM head tied to the token embedding. Conv1D weights are stored [in, out], which is the
 * layout the graph's `linear` takes, so they are used as read.
 */
import { causalMask, gelu, layerNorm, linear, type Value } from '../graph/index';
import type { FamilyContext, FamilyInputs } from './family';
import { lastPosition, MASKED } from './family';
import { decodeMask, type DecodeMask } from './decode-mask';
import type { KvCache } from './kv-cache';
import { ModelWeights } from './weights';

export function checkGpt2Supported(ctx: Pick<FamilyContext, 'config'>): void {
  const cfg = ctx.config;
  if (cfg.activation !== 'gelu_new' && cfg.activation !== 'gelu_pytorch_tanh') {
    throw new Error(`gpt2 graph: activation_function ${cfg.activation} is not implemented (gelu_new only)`);
  }
  if (!cfg.tieWordEmbeddings) throw new Error('gpt2 graph: untied lm_head is not implemented');
}

/** What a decode graph's attention takes: the cache to append to and the mask built once. */
interface Decode {
  cache: KvCache;
  mask: DecodeMask;
}

class Gpt2 {
  // The Hub's original gpt2 checkpoints name tensors without "transformer.".
  private readonly w: ModelWeights;

  constructor(
    private readonly c: FamilyContext,
    private readonly decoding: boolean,
  ) {
    this.w = new ModelWeights(c.checkpoint, 'transformer.');
  }

  /** A Conv1D layer (weight [in, out] as stored) plus its LoRA term when the module is adapted. */
  private async conv1d(x: Value, module: string, nIn: number, nOut: number): Promise<Value> {
    const { g } = this.c;
    const weight = await this.w.matrix(g, `${module}.weight`, [nIn, nOut], 'in-out');
    const bias = await this.w.tensor(g, `${module}.bias`, [nOut]);
    return this.c.lora.apply(x, module, linear(g, x, weight, bias));
  }

  private async norm(x: Value, prefix: string): Promise<Value> {
    const { g, config } = this.c;
    const h = config.hiddenSize;
    const weight = await this.w.tensor(g, `${prefix}.weight`, [h]);
    const bias = await this.w.tensor(g, `${prefix}.bias`, [h]);
    // Decode graphs run ONNX's LayerNormalization: one node where layerNorm's primitives are nine,
    // which matters at one token per step. (It has no gradient rule, so training keeps layerNorm.)
    if (this.decoding) return g.emit('LayerNormalization', [x, weight, bias], [{ dtype: x.dtype, shape: x.shape }], { axis: -1, epsilon: { float: config.normEps } })[0]!;
    return layerNorm(g, x, weight, bias, config.normEps);
  }

  /** [B, T, H] → [B, heads, T, headDim]. */
  private heads(x: Value): Value {
    const { g, config } = this.c;
    return g.transpose(g.reshape(x, [0, 0, config.numHeads, config.headDim]), [0, 2, 1, 3]);
  }

  private async attention(x: Value, layer: number, padding: Value | undefined, decode: Decode | undefined): Promise<Value> {
    const { g, config } = this.c;
    const p = `transformer.h.${layer}`;
    const h = config.hiddenSize;
    const [q, k, v] = g.split(await this.conv1d(x, `${p}.attn.c_attn`, h, 3 * h), [h, h, h], -1);
    const query = this.heads(q!);
    // With a cache, attention reads the past keys and values too: scores [B, heads, T, P + T].
    const kv = decode ? decode.cache.append(layer, this.heads(k!), this.heads(v!)) : { key: this.heads(k!), value: this.heads(v!) };
    let scores = g.mul(g.matmul(query, g.transpose(kv.key, [0, 1, 3, 2])), 1 / Math.sqrt(config.headDim));
    if (decode) {
      scores = g.where(decode.mask.blocked, decode.mask.fill, scores);
    } else {
      scores = causalMask(g, scores);
      if (padding) scores = g.where(padding, MASKED, scores);
    }
    const context = g.matmul(g.softmax(scores, -1), kv.value);
    const merged = g.reshape(g.transpose(context, [0, 2, 1, 3]), [0, 0, h]);
    return this.conv1d(merged, `${p}.attn.c_proj`, h, h);
  }

  private async block(x: Value, i: number, padding: Value | undefined, decode: Decode | undefined): Promise<Value> {
    const { g, config } = this.c;
    const p = `transformer.h.${i}`;
    const h = config.hiddenSize;
    const n = config.intermediateSize;
    const afterAttn = g.add(x, await this.attention(await this.norm(x, `${p}.ln_1`), i, padding, decode));
    const inner = gelu(g, await this.conv1d(await this.norm(afterAttn, `${p}.ln_2`), `${p}.mlp.c_fc`, h, n));
    return g.add(afterAttn, await this.conv1d(inner, `${p}.mlp.c_proj`, n, h));
  }

  async logits({ ids, attentionMask, positionIds, cache, lastOnly }: FamilyInputs): Promise<Value> {
    const { g, config } = this.c;
    const wte = await this.w.tensor(g, 'transformer.wte.weight', [config.vocabSize, config.hiddenSize]);
    const wpe = await this.w.tensor(g, 'transformer.wpe.weight', [config.maxPositions, config.hiddenSize]);
    // Without position_ids, positions 0..T-1 whatever the mask, as transformers does.
    let x = g.add(g.gather(wte, ids), g.gather(wpe, positionIds ?? g.arange(ids, 1)));
    // With a cache, one mask (causal and padding) for every layer; without, each layer masks the
    // future itself and padding comes as [B, T] → [B, 1, 1, T], broadcast over heads and queries.
    const decode = cache && attentionMask ? { cache, mask: decodeMask(g, ids, attentionMask, 4) } : undefined;
    const padding = attentionMask && !decode ? g.unsqueeze(g.equal(attentionMask, 0), [1, 2]) : undefined;
    for (let i = 0; i < config.numLayers; i++) x = await this.block(x, i, padding, decode);
    // The final norm is per position, so taking the last position first gives the same row.
    if (lastOnly) x = lastPosition(g, x);
    x = await this.norm(x, 'transformer.ln_f');
    return g.matmul(x, g.transpose(wte));
  }
}

export function gpt2Logits(ctx: FamilyContext, inputs: FamilyInputs): Promise<Value> {
  checkGpt2Supported(ctx);
  return new Gpt2(ctx, inputs.cache !== undefined).logits(inputs);
}
