import fs from 'node:fs';
import path from 'node:path';
import type { ModelConfig } from '../models/config';
import { TOKEN_TYPE } from './format';
import type { GgufMetadata } from './metadata';

/**
 * A byte-level BPE tokenizer.json as llama.cpp's "gpt2" tokenizer metadata, as the converter's
 * _set_vocab_gpt2 and gguf-py's SpecialVocab write it: every id up to the model's vocab_size with
 * its token text (byte-level symbols, as in tokenizer.json) and type (added special tokens
 * CONTROL, other added tokens USER_DEFINED, ids no token uses "[PAD<id>]" UNUSED), the merges as
 * "a b" strings, the special token ids (tokenizer_config.json's tokens first, config.json's ids
 * where those are missing), add_bos/add_eos where the tokenizer says, and the chat template.
 *
 * tokenizer.ggml.pre names the pre-tokenizer llama.cpp must reproduce. The converter finds it by
 * hashing a test string's tokens; without the Python tokenizer here, it is read off the
 * pre_tokenizer's structure instead, for the shapes that llama.cpp's list (llama-vocab.cpp) and
 * convert_hf_to_gguf_update.py give a name: GPT-2's ByteLevel → "gpt-2"; SmolLM's Digits +
 * ByteLevel → "smollm"; a Split on Llama 3's or Qwen2's regex + ByteLevel → "llama-bpe" / "qwen2".
 * Any other pre-tokenizer is refused rather than guessed.
 */

interface AddedToken {
  id: number;
  content: string;
  special?: boolean;
}

type Json = Record<string, unknown>;

const LLAMA3_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN2_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

function readJson(file: string, required: boolean): Json | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return null;
    throw new Error(`GGUF export: cannot read ${file} (${(error as Error).message})`, { cause: error });
  }
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new Error(`GGUF export: ${file} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

const isByteLevel = (p: Json | undefined, useRegex: boolean) => p?.type === 'ByteLevel' && (p.use_regex ?? true) === useRegex;

/** llama.cpp's tokenizer.ggml.pre for a tokenizer.json pre_tokenizer, or an error naming it. */
export function preTokenizerName(pre: unknown, file = 'tokenizer.json'): string {
  const p = pre as Json | null;
  if (isByteLevel(p ?? undefined, true)) return 'gpt-2';
  if (p?.type === 'Sequence' && Array.isArray(p.pretokenizers) && p.pretokenizers.length === 2) {
    const [first, second] = p.pretokenizers as Json[];
    if (first?.type === 'Digits' && first.individual_digits === true && isByteLevel(second, true)) return 'smollm';
    if (first?.type === 'Split' && isByteLevel(second, false)) {
      const regex = (first.pattern as Json | undefined)?.Regex;
      if (regex === LLAMA3_REGEX) return 'llama-bpe';
      if (regex === QWEN2_REGEX) return 'qwen2';
    }
  }
  throw new Error(
    `GGUF export: ${file}'s pre_tokenizer ${JSON.stringify(pre)} is not one this export maps to llama.cpp (GPT-2's ByteLevel, SmolLM's Digits + ByteLevel, Llama 3's or Qwen2's Split + ByteLevel)`,
  );
}

/** A tokenizer_config.json special token entry: a string, or an object with "content". */
function tokenContent(entry: unknown): string | null {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object' && typeof (entry as Json).content === 'string') return (entry as Json).content as string;
  return null;
}

/** The converter's does_token_look_special, for added tokens not flagged special. */
function looksSpecial(token: string): boolean {
  return (
    ['<pad>', '<mask>', '<2mass>', '[@BOS@]'].includes(token) ||
    (token.startsWith('<|') && token.endsWith('|>')) ||
    (token.startsWith('<｜') && token.endsWith('｜>')) ||
    (token.startsWith('<unused') && token.endsWith('>'))
  );
}

/** Adds the tokenizer.* keys for the model folder `dir`. */
export function addTokenizer(md: GgufMetadata, dir: string, config: ModelConfig): void {
  const file = path.join(dir, 'tokenizer.json');
  const tj = readJson(file, true)!;
  const model = tj.model as Json | undefined;
  if (model?.type !== 'BPE' || typeof model.vocab !== 'object' || model.vocab === null) {
    throw new Error(`GGUF export: ${file} is not a BPE tokenizer (model.type ${JSON.stringify(model?.type)}); only byte-level BPE tokenizers export here`);
  }
  const pre = preTokenizerName(tj.pre_tokenizer, file);
  const added = (Array.isArray(tj.added_tokens) ? tj.added_tokens : []) as AddedToken[];
  const byId = new Map<number, { token: string; type: number }>();
  for (const [token, id] of Object.entries(model.vocab as Record<string, number>)) byId.set(id, { token, type: TOKEN_TYPE.normal });
  for (const a of added) {
    const type = a.special || looksSpecial(a.content) ? TOKEN_TYPE.control : TOKEN_TYPE.userDefined;
    byId.set(a.id, { token: type === TOKEN_TYPE.userDefined ? a.content.replaceAll('\u2581', ' ') : a.content, type });
  }
  // A loop, not Math.max(...ids): a 150k-token vocabulary is more arguments than V8 takes.
  let maxId = -1;
  for (const id of byId.keys()) maxId = Math.max(maxId, id);
  if (maxId >= config.vocabSize) throw new Error(`GGUF export: ${file} has token id ${maxId}, beyond config.json's vocab_size ${config.vocabSize}`);
  const tokens: string[] = [];
  const types: number[] = [];
  for (let i = 0; i < config.vocabSize; i++) {
    const t = byId.get(i);
    tokens.push(t ? t.token : `[PAD${i}]`);
    types.push(t ? t.type : TOKEN_TYPE.unused);
  }
  md.string('tokenizer.ggml.model', 'gpt2');
  md.string('tokenizer.ggml.pre', pre);
  md.array('tokenizer.ggml.tokens', 'string', tokens);
  md.array('tokenizer.ggml.token_type', 'i32', types);
  md.array('tokenizer.ggml.merges', 'string', merges(model.merges, file));

  const tc = readJson(path.join(dir, 'tokenizer_config.json'), false) ?? {};
  const idOf = (content: string | null) => (content === null ? undefined : added.find((a) => a.content === content)?.id);
  const fromConfig: Record<string, number | null> = { bos: config.bosTokenId, eos: config.eosTokenIds.length === 1 ? config.eosTokenIds[0]! : null };
  const keys: [string, string][] = [
    ['bos', 'bos_token_id'],
    ['eos', 'eos_token_id'],
    ['unk', 'unknown_token_id'],
    ['sep', 'seperator_token_id'],
    ['pad', 'padding_token_id'],
    ['mask', 'mask_token_id'],
  ];
  const ids: Record<string, number> = {};
  for (const [typ, key] of keys) {
    const id = idOf(tokenContent(tc[`${typ}_token`])) ?? fromConfig[typ] ?? null;
    if (id === null || id >= config.vocabSize) continue;
    ids[typ] = id;
    md.u32(`tokenizer.ggml.${key}`, id);
  }
  const addBos = typeof tc.add_bos_token === 'boolean' ? tc.add_bos_token : templateAdds(tj.post_processor, 'first', tokens, ids.bos);
  const addEos = typeof tc.add_eos_token === 'boolean' ? tc.add_eos_token : templateAdds(tj.post_processor, 'last', tokens, ids.eos);
  if (addBos !== null) md.bool('tokenizer.ggml.add_bos_token', addBos);
  if (addEos !== null) md.bool('tokenizer.ggml.add_eos_token', addEos);

  const template = typeof tc.chat_template === 'string' ? tc.chat_template : readTemplateFile(dir);
  if (template) md.string('tokenizer.chat_template', template);
}

function readTemplateFile(dir: string): string | null {
  try {
    return fs.readFileSync(path.join(dir, 'chat_template.jinja'), 'utf8');
  } catch {
    return null;
  }
}

/**
 * Merges as "a b": tokenizer.json has them as strings already, or (tokenizers ≥ 0.20) as pairs,
 * where a space inside a part is written as U+0120 as the converter does, so the split is unambiguous.
 */
function merges(raw: unknown, file: string): string[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new Error(`GGUF export: ${file} has no BPE merges (llama.cpp needs them)`);
  return raw.map((m: unknown) => {
    if (typeof m === 'string') return m;
    if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') {
      return (m as [string, string]).map((part) => part.replaceAll(' ', '\u0120')).join(' ');
    }
    throw new Error(`GGUF export: ${file} has a merge ${JSON.stringify(m)} that is neither "a b" nor ["a", "b"]`);
  });
}

/**
 * The converter's crude reading of a TemplateProcessing post-processor: whether the single-sequence
 * template starts (or ends) with the BOS (or EOS) token. Null when there is no such processor.
 */
function templateAdds(post: unknown, end: 'first' | 'last', tokens: readonly string[], id: number | undefined): boolean | null {
  const p = post as Json | null;
  const processors = (p?.type === 'Sequence' && Array.isArray(p.processors) ? p.processors : [p]) as (Json | null)[];
  for (const proc of processors) {
    if (proc?.type !== 'TemplateProcessing' || !Array.isArray(proc.single) || proc.single.length < 2) continue;
    const piece = (end === 'first' ? proc.single[0] : proc.single[proc.single.length - 1]) as Json | undefined;
    const special = (piece?.SpecialToken as Json | undefined)?.id;
    return typeof special === 'string' && id !== undefined && tokens[id] === special;
  }
  return null;
}
