/**
 * GPT-2 (GPT2LMHeadModel) as ONNX graphs: the forward pass (token ids → logits) and the LoRA
 * training pass (→ mean loss and every LoRA gradient). Base weights are frozen float32
 * initializers; the LoRA A/B tensors are graph inputs, so one graph serves any adapter and the
 * optimizer updates them outside the graph.
 *
 * Arithmetic follows transformers' GPT2 eager attention: scores scaled by 1/√head_dim, a causal
 * mask, an optional padding mask, softmax; gelu_new MLP; LayerNorm before each block and at the
 * end; the LM head tied to the token embedding.
 */
import { causalMask, crossEntropy, gelu, grad, GraphBuilder, layerNorm, linear, type Value } from '../graph/index';
import { loadModelConfig, type ModelConfig } from './config';
import { loraScaling } from '../lora-io/adapter';
import { addLoraInputs, loraDelta, loraModules, loraNames, type LoraConfig, type LoraInputs, type LoraModule } from './lora';
import { ModelWeights } from './weights';

export interface Gpt2GraphOptions {
  /** Adapters on the configured modules, their A/B tensors as graph inputs. */
  lora?: LoraConfig;
  /** An `attention_mask` input [B, T] (int64, 1 = attend, 0 = padding), as transformers takes it. */
  attentionMask?: boolean;
}

export interface Gpt2Graph {
  /** ModelProto bytes for InferenceSession.create. */
  model: Uint8Array;
  config: ModelConfig;
  /** The adapted modules, in the order of their inputs (names from loraNames). */
  loraModules: LoraModule[];
}

// float32's lowest finite value: what transformers adds for a padded key. Finite, so a query whose
// keys are all padding gets a uniform (ignored) row instead of NaN.
const MASKED = -3.4028234663852886e38;

function checkSupported(cfg: ModelConfig): void {
  if (cfg.modelType !== 'gpt2') throw new Error(`gpt2 graph: the model is ${cfg.modelType}`);
  if (cfg.activation !== 'gelu_new' && cfg.activation !== 'gelu_pytorch_tanh') {
    throw new Error(`gpt2 graph: activation_function ${cfg.activation} is not implemented (gelu_new only)`);
  }
  if (!cfg.tieWordEmbeddings) throw new Error('gpt2 graph: untied lm_head is not implemented');
}

interface Ctx {
  g: GraphBuilder;
  cfg: ModelConfig;
  w: ModelWeights;
  lora: Map<string, LoraInputs>;
  scaling: number;
}

/** A Conv1D layer (weight [in, out] as stored) plus its LoRA term when the module is adapted. */
async function conv1d(c: Ctx, x: Value, module: string, nIn: number, nOut: number): Promise<Value> {
  const weight = await c.w.matrix(c.g, `${module}.weight`, [nIn, nOut], 'in-out');
  const bias = await c.w.tensor(c.g, `${module}.bias`, [nOut]);
  const y = linear(c.g, x, weight, bias);
  const adapter = c.lora.get(module);
  return adapter ? loraDelta(c.g, x, y, adapter, c.scaling) : y;
}

async function norm(c: Ctx, x: Value, prefix: string): Promise<Value> {
  const h = c.cfg.hiddenSize;
  return layerNorm(c.g, x, await c.w.tensor(c.g, `${prefix}.weight`, [h]), await c.w.tensor(c.g, `${prefix}.bias`, [h]), c.cfg.normEps);
}

/** [B, T, H] → [B, heads, T, headDim]. */
function heads(c: Ctx, x: Value): Value {
  return c.g.transpose(c.g.reshape(x, [0, 0, c.cfg.numHeads, c.cfg.headDim]), [0, 2, 1, 3]);
}

async function attention(c: Ctx, x: Value, p: string, padding: Value | undefined): Promise<Value> {
  const { g, cfg } = c;
  const h = cfg.hiddenSize;
  const [q, k, v] = g.split(await conv1d(c, x, `${p}.attn.c_attn`, h, 3 * h), [h, h, h], -1);
  let scores = g.mul(g.matmul(heads(c, q!), g.transpose(heads(c, k!), [0, 1, 3, 2])), 1 / Math.sqrt(cfg.headDim));
  scores = causalMask(g, scores);
  if (padding) scores = g.where(padding, MASKED, scores);
  const context = g.matmul(g.softmax(scores, -1), heads(c, v!));
  const merged = g.reshape(g.transpose(context, [0, 2, 1, 3]), [0, 0, h]);
  return conv1d(c, merged, `${p}.attn.c_proj`, h, h);
}

async function block(c: Ctx, x: Value, i: number, padding: Value | undefined): Promise<Value> {
  const p = `transformer.h.${i}`;
  const h = c.cfg.hiddenSize;
  const n = c.cfg.intermediateSize;
  const afterAttn = c.g.add(x, await attention(c, await norm(c, x, `${p}.ln_1`), p, padding));
  const inner = gelu(c.g, await conv1d(c, await norm(c, afterAttn, `${p}.ln_2`), `${p}.mlp.c_fc`, h, n));
  return c.g.add(afterAttn, await conv1d(c, inner, `${p}.mlp.c_proj`, n, h));
}

/** Token ids [B, T] (+ mask [B, T]) → logits [B, T, V], recorded into g. */
async function logitsOf(c: Ctx, ids: Value, mask: Value | undefined): Promise<Value> {
  const { g, cfg } = c;
  const wte = await c.w.tensor(g, 'transformer.wte.weight', [cfg.vocabSize, cfg.hiddenSize]);
  const wpe = await c.w.tensor(g, 'transformer.wpe.weight', [cfg.maxPositions, cfg.hiddenSize]);
  // Positions 0..T-1 whatever the mask, as transformers does without explicit position_ids.
  let x = g.add(g.gather(wte, ids), g.gather(wpe, g.arange(ids, 1)));
  // [B, T] → [B, 1, 1, T]: true where a key is padding, broadcast over heads and queries.
  const padding = mask ? g.unsqueeze(g.equal(mask, 0), [1, 2]) : undefined;
  for (let i = 0; i < cfg.numLayers; i++) x = await block(c, x, i, padding);
  x = await norm(c, x, 'transformer.ln_f');
  return g.matmul(x, g.transpose(wte));
}

async function build(dir: string, name: string, options: Gpt2GraphOptions, finish: (g: GraphBuilder, logits: Value, lora: LoraInputs[]) => void): Promise<Gpt2Graph> {
  const config = loadModelConfig(dir);
  checkSupported(config);
  const modules = options.lora ? loraModules(config, options.lora) : [];
  const weights = await ModelWeights.open(dir, { aliasPrefix: 'transformer.' });
  try {
    const g = new GraphBuilder(name);
    const ids = g.input('input_ids', 'int64', ['B', 'T']);
    const mask = options.attentionMask ? g.input('attention_mask', 'int64', ['B', 'T']) : undefined;
    const lora = new Map(modules.map((m) => [m.module, addLoraInputs(g, m, options.lora!.r)]));
    const c: Ctx = { g, cfg: config, w: weights, lora, scaling: options.lora ? loraScaling(options.lora) : 0 };
    const logits = await logitsOf(c, ids, mask);
    finish(g, logits, [...lora.values()]);
    return { model: g.encode(), config, loraModules: modules };
  } finally {
    await weights.close();
  }
}

/** Inputs input_ids [B, T] (+ attention_mask, + LoRA tensors); output logits [B, T, V]. */
export function gpt2ForwardGraph(dir: string, options: Gpt2GraphOptions = {}): Promise<Gpt2Graph> {
  return build(dir, 'gpt2_forward', options, (g, logits) => void g.output(logits, 'logits'));
}

/**
 * The LoRA training graph. Inputs: input_ids, targets [B, T] int64 (already shifted: targets[t]
 * is the token after position t; -100 is ignored), attention_mask if asked for, and every LoRA
 * tensor (names from loraNames). Outputs: loss (mean over kept targets) and `grad.<name>` for each
 * LoRA tensor.
 */
export function gpt2TrainingGraph(dir: string, options: Gpt2GraphOptions & { lora: LoraConfig }): Promise<Gpt2Graph> {
  return build(dir, 'gpt2_train', options, (g, logits, lora) => {
    const targets = g.input('targets', 'int64', ['B', 'T']);
    const loss = g.output(crossEntropy(g, logits, targets), 'loss');
    grad(g, loss, lora.flatMap((l) => [l.a, l.b]));
  });
}

export { loraNames };
