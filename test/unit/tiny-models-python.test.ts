import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../engine/tokenize/load';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';
import { toBfloat16Bits, toFloat16Bits } from '../fixtures/tiny-models-safetensors';

/**
 * The fixtures checked by the Python side of the ecosystem when it is installed: Debian's
 * python3-torch for the fp16/bf16 rounding, and transformers (not packaged in Debian bookworm;
 * present where someone installed it) for loading the folders as Hugging Face does. Debian's
 * interpreter is preferred: a pyenv python on PATH does not see Debian's packages.
 */
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function python(script: string, args: string[] = []): { ok: boolean; stdout: string; stderr: string } {
  const run = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { ok: run.status === 0, stdout: run.stdout, stderr: run.stderr };
}

const hasTorch = python('import torch').ok;
const hasTransformers = python('import torch, transformers, safetensors, tokenizers').ok;
if (!hasTorch) console.warn(`tiny-models-python: skipping the torch checks: ${PYTHON} cannot import torch (apt-get install python3-torch)`);
if (!hasTransformers) console.warn(`tiny-models-python: skipping the transformers checks: ${PYTHON} cannot import transformers, safetensors and tokenizers (not packaged in Debian bookworm)`);

const READ_SAFETENSORS = `
import json, struct, sys, torch
DTYPES = {'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16}
def read(path):
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    header = json.loads(b[8:8 + n]); header.pop('__metadata__', None)
    data = b[8 + n:]
    out = {}
    for name, t in header.items():
        s, e = t['data_offsets']
        out[name] = torch.frombuffer(bytearray(data[s:e]), dtype=DTYPES[t['dtype']]).reshape(t['shape'])
    return out
`;

describe.skipIf(!hasTorch)('tiny model fixtures against torch', () => {
  it("rounds to fp16 and bf16 exactly as torch's .half() and .bfloat16() do, edge cases included", () => {
    const f32 = (x: number) => Math.fround(x);
    const values = [
      0, -0, 1, -1, 0.1, 1 / 3, 65504, 65519, 65520, 1e6, -1e6, 6.1e-5, 5.96e-8, 2.98e-8, 2.99e-8, 1e-10, Infinity, -Infinity, NaN,
      1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.3895e38, 1.2e-38, 1e-45, 2 ** -24 * 1.5, 2 ** -25,
      ...Array.from({ length: 200 }, (_, i) => f32(Math.sin(i * 12.9898) * 10 ** ((i % 13) - 8))),
    ].map(f32);
    // Passed as the float32 bytes in hex: JSON has no -0, infinities or NaN.
    const hex = Buffer.from(Float32Array.from(values).buffer).toString('hex');
    const script = `${READ_SAFETENSORS}
values = torch.frombuffer(bytearray.fromhex(sys.argv[1]), dtype=torch.float32)
print(json.dumps({'f16': values.half().view(torch.int16).tolist(), 'bf16': values.bfloat16().view(torch.int16).tolist()}))`;
    const run = python(script, [hex]);
    expect(run.ok, run.stderr).toBe(true);
    const torch = JSON.parse(run.stdout) as { f16: number[]; bf16: number[] };
    const u16 = (x: number) => x & 0xffff;
    // NaN payloads differ between converters (torch gives 0xffff for bf16) and carry no meaning: both must be a NaN.
    const nan16 = (bits: number, exponentMask: number) => (bits & exponentMask) === exponentMask && (bits & (0x7fff & ~exponentMask)) !== 0;
    values.forEach((v, i) => {
      if (Number.isNaN(v)) {
        expect(nan16(toBfloat16Bits(v), 0x7f80) && nan16(u16(torch.bf16[i]!), 0x7f80), `bf16 of NaN`).toBe(true);
        expect(nan16(toFloat16Bits(v), 0x7c00) && nan16(u16(torch.f16[i]!), 0x7c00), `fp16 of NaN`).toBe(true);
        return;
      }
      expect(toFloat16Bits(v).toString(16), `fp16 of ${v}`).toBe(u16(torch.f16[i]!).toString(16));
      expect(toBfloat16Bits(v).toString(16), `bf16 of ${v}`).toBe(u16(torch.bf16[i]!).toString(16));
    });
  });

  it('writes fp16 and bf16 files whose tensors are the fp32 file\'s, converted by torch', () => {
    const dirs = (['float32', 'float16', 'bfloat16'] as const).map((dtype) => writeTinyModel(tempDir(), { architecture: 'qwen2', dtype, seed: 9 }).dir);
    const script = `${READ_SAFETENSORS}
full = read(sys.argv[1])
result = {}
for path, dtype in ((sys.argv[2], torch.float16), (sys.argv[3], torch.bfloat16)):
    other = read(path)
    result[str(dtype)] = {
        'names': sorted(other) == sorted(full),
        'mismatched': [k for k in full if k in other and not torch.equal(full[k].to(dtype).view(torch.int16), other[k].view(torch.int16))],
    }
print(json.dumps(result))`;
    const run = python(script, dirs.map((dir) => path.join(dir, 'model.safetensors')));
    expect(run.ok, run.stderr).toBe(true);
    expect(JSON.parse(run.stdout)).toEqual({ 'torch.float16': { names: true, mismatched: [] }, 'torch.bfloat16': { names: true, mismatched: [] } });
  });
});

describe.skipIf(!hasTransformers)('tiny model fixtures in Hugging Face transformers', () => {
  it('load with no missing or unexpected weights, tokenize as ours do, and render the same chat template', async () => {
    const texts = ['Hello world! The quick brown fox.', 'Le café — 👋🏽 🧑‍💻 日本語', "it's 42"];
    for (const architecture of ['gpt2', 'llama', 'qwen2'] as const) {
      const model = writeTinyModel(tempDir(), { architecture, dtype: 'bfloat16' });
      const script = `
import json, sys, torch, transformers
d = sys.argv[1]; texts = json.loads(sys.argv[2])
m, info = transformers.AutoModelForCausalLM.from_pretrained(d, output_loading_info=True)
t = transformers.AutoTokenizer.from_pretrained(d)
out = {'missing': info['missing_keys'], 'unexpected': info['unexpected_keys'], 'dtype': str(m.dtype),
       'ids': [t.encode(x, add_special_tokens=False) for x in texts],
       'logits': list(m(torch.tensor([[1, 2, 3]])).logits.shape)}
if t.chat_template:
    out['chat'] = t.apply_chat_template([{'role': 'user', 'content': 'Say hi'}], tokenize=False, add_generation_prompt=True)
print(json.dumps(out))`;
      const run = python(script, [model.dir, JSON.stringify(texts)]);
      expect(run.ok, `${architecture}: ${run.stderr}`).toBe(true);
      const hf = JSON.parse(run.stdout) as { missing: string[]; unexpected: string[]; dtype: string; ids: number[][]; logits: number[]; chat?: string };
      expect(hf.missing, architecture).toEqual([]);
      expect(hf.unexpected, architecture).toEqual([]);
      expect(hf.dtype).toBe('torch.bfloat16');
      expect(hf.logits).toEqual([1, 3, model.vocabSize]);
      const ours = await loadTokenizer(model.dir);
      expect(texts.map((text) => ours.encode(text)), architecture).toEqual(hf.ids);
      if (architecture !== 'gpt2') expect(hf.chat).toBe(ours.applyChatTemplate([{ role: 'user', content: 'Say hi' }], { addGenerationPrompt: true }));
    }
  });
});
