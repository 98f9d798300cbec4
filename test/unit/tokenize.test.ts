import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadTokenizer } from '../../engine/tokenize/load';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';

// Anything that reaches for the network fails the test: transformers.js keeps its own reference
// to fetch (env.fetch), so both are replaced before the library is imported.
const fetched: string[] = [];
const noNetwork = (input: unknown) => {
  fetched.push(String(input));
  throw new Error(`network access during a tokenizer test: ${String(input)}`);
};

beforeAll(async () => {
  vi.stubGlobal('fetch', noNetwork);
  const { env } = await import('@huggingface/transformers');
  env.fetch = noNetwork as typeof env.fetch;
});

afterAll(() => {
  vi.unstubAllGlobals();
  expect(fetched).toEqual([]);
});

const SAMPLES = [
  'Hello world! The quick brown fox.',
  '  leading and trailing spaces  \n\ttabs and\r\nnewlines\n\n',
  'Le café était très bon — la crème brûlée aussi. Der Bär schläft.',
  '日本語のテキストと中文文本，한국어 텍스트.',
  'Emoji: 👋🏽 🧑‍💻 🇫🇷 ❤️ and a lone high-plane char 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.',
  "it's, they're, we'll, I'd — 42 + 3.14 = 45.14",
  '',
];

describe('tokenizer', () => {
  it('loads a tiny GPT-2 model offline and round-trips text, multi-byte UTF-8 and emoji exactly', async () => {
    const model = writeTinyModel(tempDir(), { architecture: 'gpt2' });
    const tokenizer = await loadTokenizer(model.dir);
    expect(tokenizer.vocabSize).toBe(model.vocabSize);
    const eot = model.specialIds.get('<|endoftext|>')!;
    expect(tokenizer.eos).toEqual({ token: '<|endoftext|>', id: eot });
    expect(tokenizer.bos).toEqual({ token: '<|endoftext|>', id: eot });
    expect(tokenizer.specialIds).toContain(eot);
    expect(tokenizer.hasChatTemplate).toBe(false);
    for (const text of SAMPLES) {
      const ids = tokenizer.encode(text);
      expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < model.vocabSize), text).toBe(true);
      expect(tokenizer.decode(ids), JSON.stringify(text)).toBe(text);
    }
    // Learned merges are used: a common word is one token, not one per byte.
    expect(tokenizer.encode(' the')).toHaveLength(1);
    expect(tokenizer.encode('héllo').length).toBeLessThan(new TextEncoder().encode('héllo').length + 1);
    // A special token in the text is one id; skipSpecialTokens drops it on decode.
    const ids = tokenizer.encode('Hi<|endoftext|>there');
    expect(ids).toContain(eot);
    expect(tokenizer.decode(ids)).toBe('Hi<|endoftext|>there');
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('Hithere');
    expect(tokenizer.tokenId('<|endoftext|>')).toBe(eot);
  });

  it('encodes the way the BPE in tokenizer.json says: bytes mapped to symbols, merges applied by rank', async () => {
    const model = writeTinyModel(tempDir(), { architecture: 'gpt2', merges: 0 });
    const tokenizer = await loadTokenizer(model.dir);
    // With no merges every byte is its own token; "A" is byte 0x41, id 0x41 - 0x21 in GPT-2's order.
    expect(tokenizer.encode('A!')).toEqual([0x41 - 0x21, 0]);
    expect(tokenizer.encode('é')).toHaveLength(2);
    expect(tokenizer.encode('👋')).toHaveLength(4);
  });

  it('renders the chat template with and without the generation prompt, and encodes it with special tokens as single ids', async () => {
    for (const architecture of ['llama', 'qwen2'] as const) {
      const model = writeTinyModel(tempDir(), { architecture });
      const tokenizer = await loadTokenizer(model.dir);
      expect(tokenizer.hasChatTemplate).toBe(true);
      expect(tokenizer.eos).toEqual({ token: '<|im_end|>', id: model.specialIds.get('<|im_end|>') });
      const conversation = [{ role: 'user', content: 'Say hi 👋' }];
      expect(tokenizer.applyChatTemplate(conversation, { addGenerationPrompt: true })).toBe(
        '<|im_start|>system\nYou are a tiny test model.<|im_end|>\n<|im_start|>user\nSay hi 👋<|im_end|>\n<|im_start|>assistant\n',
      );
      const withSystem = [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
      ];
      expect(tokenizer.applyChatTemplate(withSystem)).toBe('<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n');
      const ids = tokenizer.encodeChat(conversation, { addGenerationPrompt: true });
      const start = model.specialIds.get('<|im_start|>')!;
      expect(ids[0]).toBe(start);
      expect(ids.filter((id) => id === start)).toHaveLength(3);
      expect(tokenizer.decode(ids)).toBe(tokenizer.applyChatTemplate(conversation, { addGenerationPrompt: true }));
    }
  });

  it('reads the template from chat_template.jinja when tokenizer_config.json has none', async () => {
    const model = writeTinyModel(tempDir(), { architecture: 'gpt2' });
    fs.writeFileSync(path.join(model.dir, 'chat_template.jinja'), "{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}[assistant] {% endif %}");
    const tokenizer = await loadTokenizer(model.dir);
    expect(tokenizer.hasChatTemplate).toBe(true);
    expect(tokenizer.applyChatTemplate([{ role: 'user', content: 'hey' }], { addGenerationPrompt: true })).toBe('[user] hey\n[assistant] ');
  });

  it('says so when a chat template is asked of a model without one', async () => {
    const model = writeTinyModel(tempDir(), { architecture: 'gpt2' });
    const tokenizer = await loadTokenizer(model.dir);
    expect(() => tokenizer.applyChatTemplate([{ role: 'user', content: 'hi' }])).toThrow(`the tokenizer in ${model.dir} has no chat template`);
    expect(() => tokenizer.encodeChat([{ role: 'user', content: 'hi' }])).toThrow('has no chat template');
  });

  it('names the folder and the missing file, without trying to download it', async () => {
    const noTokenizer = writeTinyModel(tempDir(), { architecture: 'llama', omit: ['tokenizer.json'] });
    await expect(loadTokenizer(noTokenizer.dir)).rejects.toThrow(`${noTokenizer.dir} has no tokenizer.json`);
    const noConfig = writeTinyModel(tempDir(), { architecture: 'llama', omit: ['tokenizer_config.json'] });
    await expect(loadTokenizer(noConfig.dir)).rejects.toThrow(`${noConfig.dir} has no tokenizer_config.json`);
    const missing = path.join(tempDir(), 'nowhere');
    await expect(loadTokenizer(missing)).rejects.toThrow(`${missing} is not a folder`);
    const broken = writeTinyModel(tempDir(), { architecture: 'gpt2' });
    fs.writeFileSync(path.join(broken.dir, 'tokenizer.json'), '{"version": ');
    await expect(loadTokenizer(broken.dir)).rejects.toThrow(`${path.join(broken.dir, 'tokenizer.json')}: not valid JSON`);
    expect(fetched).toEqual([]);
  });
});
