/**
 * A model whose weights pass protobuf's 2 GiB limit, end to end: a Qwen2-shaped checkpoint of
 * 2.3 GB (a 131,072 × 4,096 tied embedding and one layer of width 4,096) goes through
 * buildCausalLmGraph and modelSource, which saves it with external data, and ONNX Runtime runs it
 * from its path. The checkpoint is a sparse file: zeros except an embedding row of ones and the
 * norm weights, so the logits are known (token 5's row · itself = 4,096, every other 0) without
 * drawing 600 M random numbers.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildCausalLmGraph } from '../../engine/models/causal-lm';
import { modelSource } from '../../engine/onnx/model-source';
import { PROTOBUF_LIMIT } from '../../engine/onnx/model';
import { tempDir } from '../fixtures/temp-dir';

const [VOCAB, HIDDEN, HEADS, KV, INTER] = [131_072, 4096, 32, 8, 64];
const HEAD_DIM = HIDDEN / HEADS;
const TOKEN = 5;

function tensors(): [string, number[]][] {
  const p = 'model.layers.0';
  return [
    ['model.embed_tokens.weight', [VOCAB, HIDDEN]],
    [`${p}.input_layernorm.weight`, [HIDDEN]],
    [`${p}.self_attn.q_proj.weight`, [HEADS * HEAD_DIM, HIDDEN]],
    [`${p}.self_attn.q_proj.bias`, [HEADS * HEAD_DIM]],
    [`${p}.self_attn.k_proj.weight`, [KV * HEAD_DIM, HIDDEN]],
    [`${p}.self_attn.k_proj.bias`, [KV * HEAD_DIM]],
    [`${p}.self_attn.v_proj.weight`, [KV * HEAD_DIM, HIDDEN]],
    [`${p}.self_attn.v_proj.bias`, [KV * HEAD_DIM]],
    [`${p}.self_attn.o_proj.weight`, [HIDDEN, HEADS * HEAD_DIM]],
    [`${p}.post_attention_layernorm.weight`, [HIDDEN]],
    [`${p}.mlp.gate_proj.weight`, [INTER, HIDDEN]],
    [`${p}.mlp.up_proj.weight`, [INTER, HIDDEN]],
    [`${p}.mlp.down_proj.weight`, [HIDDEN, INTER]],
    ['model.norm.weight', [HIDDEN]],
  ];
}

/** A safetensors file of zeros (a hole on disk) but for the given tensors, filled with `value`. */
function writeSparseCheckpoint(file: string, filled: ReadonlyMap<string, { value: number; from?: number; count?: number }>): number {
  const header: Record<string, unknown> = {};
  let offset = 0;
  const offsets = new Map<string, number>();
  for (const [name, shape] of tensors()) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offsets.set(name, offset);
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const fd = fs.openSync(file, 'w');
  try {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    fs.writeSync(fd, len, 0, 8, 0);
    fs.writeSync(fd, Buffer.from(json), 0, json.length, 8);
    const start = 8 + json.length;
    fs.ftruncateSync(fd, start + offset);
    for (const [name, { value, from = 0, count }] of filled) {
      const shape = tensors().find(([n]) => n === name)![1];
      const n = count ?? shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n).fill(value);
      fs.writeSync(fd, new Uint8Array(data.buffer), 0, data.byteLength, start + offsets.get(name)! + from * 4);
    }
  } finally {
    fs.closeSync(fd);
  }
  return offset;
}

describe('a model over 2 GiB', () => {
  it('builds, saves its weights as external data, and runs in ONNX Runtime from its path', { timeout: 600_000 }, async () => {
    const dir = tempDir('large-model-');
    type Fill = { value: number; from?: number; count?: number };
    const ones = (name: string): [string, Fill] => [name, { value: 1 }];
    const bytes = writeSparseCheckpoint(
      path.join(dir, 'model.safetensors'),
      new Map<string, Fill>([
        ['model.embed_tokens.weight', { value: 1, from: TOKEN * HIDDEN, count: HIDDEN }],
        ones('model.layers.0.input_layernorm.weight'),
        ones('model.layers.0.post_attention_layernorm.weight'),
        ones('model.norm.weight'),
      ]),
    );
    expect(bytes).toBeGreaterThan(PROTOBUF_LIMIT);
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({
        model_type: 'qwen2',
        architectures: ['Qwen2ForCausalLM'],
        vocab_size: VOCAB,
        hidden_size: HIDDEN,
        intermediate_size: INTER,
        num_hidden_layers: 1,
        num_attention_heads: HEADS,
        num_key_value_heads: KV,
        max_position_embeddings: 64,
        rms_norm_eps: 1e-6,
        rope_theta: 1_000_000,
        hidden_act: 'silu',
        tie_word_embeddings: true,
        torch_dtype: 'float32',
      }),
    );

    const built = await buildCausalLmGraph(dir, { mode: 'forward' });
    const source = await modelSource(built.graph, { dir });
    try {
      expect(source.kind).toBe('file');
      if (source.kind !== 'file') return;
      expect(source.dataBytes).toBeGreaterThanOrEqual(bytes);
      expect(fs.statSync(source.path).size).toBeLessThan(1 << 20);
      const session = await ort.InferenceSession.create(source.path);
      const { logits } = await session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.of(BigInt(TOKEN), 7n), [1, 2]) });
      expect(logits!.dims).toEqual([1, 2, VOCAB]);
      const first = (logits!.data as Float32Array).subarray(0, VOCAB);
      // RMSNorm of a row of ones is ones, so token 5's logit is its row · itself and the rest are 0.
      expect(first[TOKEN]).toBeCloseTo(HIDDEN, 0);
      expect(first.reduce((n, x, i) => n + (i !== TOKEN && x !== 0 ? 1 : 0), 0)).toBe(0);
      await session.release();
    } finally {
      if (source.kind === 'file') source.dispose();
    }
  });

  it('a small graph stays in memory', async () => {
    const { writeTinyModel } = await import('../fixtures/tiny-models');
    const tiny = writeTinyModel(tempDir(), { architecture: 'gpt2' });
    const source = await modelSource((await buildCausalLmGraph(tiny.dir, { mode: 'forward' })).graph);
    expect(source.kind).toBe('bytes');
  });
});
