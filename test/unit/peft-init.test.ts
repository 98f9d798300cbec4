import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initLoraAdapter, loraScaling, loraSettings } from '../../engine/lora-io/adapter';
import { parseModelConfig } from '../../engine/models/config';
import { tinyModelFiles } from '../fixtures/tiny-models';

/** Debian's interpreter: a pyenv python first on PATH does not see Debian's python3-torch. */
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
if (!hasTorch) console.warn(`peft-init: skipping the check of torch's kaiming_uniform_ bound: ${PYTHON} cannot import torch (apt-get install python3-torch)`);

const cfg = parseModelConfig(tinyModelFiles({ architecture: 'llama', layers: 2, hidden: 64, intermediate: 128 }).config);

describe('LoRA initialization (PEFT init_lora_weights=True)', () => {
  it('draws A uniformly within ±1/√in (kaiming_uniform_ with a=√5) and zeroes B', () => {
    const adapter = initLoraAdapter(cfg, loraSettings('llama', { r: 16, targets: 'all-linear' }), 3);
    expect(adapter.modules).toHaveLength(14);
    for (const m of adapter.modules) {
      const bound = 1 / Math.sqrt(m.inFeatures);
      expect(m.a).toHaveLength(16 * m.inFeatures);
      expect(m.b).toHaveLength(m.outFeatures * 16);
      let max = 0, sum = 0, sq = 0;
      for (const x of m.a) {
        max = Math.max(max, Math.abs(x));
        sum += x;
        sq += x * x;
      }
      expect(max).toBeLessThanOrEqual(bound);
      // Uniform on (−b, b): spans nearly all of it, mean ≈ 0, variance b²/3.
      expect(max).toBeGreaterThan(0.98 * bound);
      expect(Math.abs(sum / m.a.length)).toBeLessThan(0.1 * bound);
      expect(sq / m.a.length / (bound * bound / 3)).toBeGreaterThan(0.85);
      expect(sq / m.a.length / (bound * bound / 3)).toBeLessThan(1.15);
      expect(m.b.every((x) => x === 0)).toBe(true);
    }
    // down_proj's fan-in is the MLP width, not the hidden size.
    const down = adapter.modules.find((m) => m.module.endsWith('down_proj'))!;
    expect(down.inFeatures).toBe(128);
  });

  it('gives the same adapter for the same seed and another for another seed', () => {
    const s = loraSettings('llama', { r: 4 });
    const a = initLoraAdapter(cfg, s, 11), b = initLoraAdapter(cfg, s, 11), c = initLoraAdapter(cfg, s, 12);
    expect(a.modules.map((m) => m.module)).toEqual(['model.layers.0.self_attn.q_proj', 'model.layers.0.self_attn.v_proj', 'model.layers.1.self_attn.q_proj', 'model.layers.1.self_attn.v_proj']);
    a.modules.forEach((m, i) => expect(m.a).toEqual(b.modules[i]!.a));
    expect(a.modules[0]!.a).not.toEqual(c.modules[0]!.a);
  });

  it("uses PEFT's defaults and refuses bad settings", () => {
    expect(loraSettings('gpt2')).toEqual({ r: 8, alpha: 8, dropout: 0, targetModules: ['c_attn'], baseModel: null, revision: null });
    expect(loraSettings('qwen2').targetModules).toEqual(['q_proj', 'v_proj']);
    expect(loraScaling({ r: 8, alpha: 16 })).toBe(2);
    expect(() => loraSettings('llama', { r: 0 })).toThrow(/rank must be a positive integer/);
    expect(() => loraSettings('llama', { alpha: -1 })).toThrow(/alpha must be a positive number/);
    expect(() => loraSettings('llama', { dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
    expect(() => loraSettings('llama', { targets: [] })).toThrow(/at least one target/);
    expect(() => initLoraAdapter(cfg, loraSettings('llama', { targets: ['c_attn'] }), 1)).toThrow(/selects no linear layer/);
  });

  it.skipIf(!hasTorch)("uses the bound torch's kaiming_uniform_(a=√5) uses", () => {
    // torch/nn/init.py: gain = calculate_gain('leaky_relu', a), bound = √3 · gain / √fan_in, with
    // fan_in of an [r, in] weight = in; and the draws of PEFT's call stay inside it.
    const script = `
import math, torch
for fan_in in (32, 64, 128, 4864):
    w = torch.empty(8, fan_in)
    fi, _ = torch.nn.init._calculate_fan_in_and_fan_out(w)
    bound = math.sqrt(3.0) * torch.nn.init.calculate_gain('leaky_relu', math.sqrt(5)) / math.sqrt(fi)
    torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5))
    print(fan_in, repr(bound), float(w.abs().max()) <= bound)
`;
    const run = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    for (const line of run.stdout.trim().split('\n')) {
      const [fanIn, bound, inside] = line.split(' ');
      expect(Number(bound)).toBeCloseTo(1 / Math.sqrt(Number(fanIn)), 15);
      expect(inside).toBe('True');
    }
  });
});
